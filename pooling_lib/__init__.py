"""pooling_lib: max and average pooling, and their gradients, in numpy.

The core functions follow PyTorch's pooling semantics; the post's names
(``poolingOverlap`` and friends) are kept as thin, corrected wrappers.
"""

from .core import max_mask, output_size, pool, unpool_avg, unpool_max, windows
from .post import asStride, poolingOverlap, unpooling, unpoolingAvg

__all__ = [
    "output_size",
    "windows",
    "pool",
    "max_mask",
    "unpool_max",
    "unpool_avg",
    "asStride",
    "poolingOverlap",
    "unpooling",
    "unpoolingAvg",
]
__version__ = "0.1.0"
