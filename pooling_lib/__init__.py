"""pooling_lib: max and average pooling, and their gradients, in numpy.

The core functions follow PyTorch's pooling semantics (TensorFlow's for
``padding='same'``); the post's names (``poolingOverlap`` and friends) are
kept as thin, corrected wrappers. Every public pooling function is
importable from here:

* :mod:`pooling_lib.core`: ``pool``, ``max_mask``, ``unpool_max``,
  ``unpool_avg``, ``windows``, ``output_size``, ``window_count``
* :mod:`pooling_lib.adaptive`: ``adaptive_pool``, ``global_pool``,
  ``lp_pool``, ``adaptive_bins``
* :mod:`pooling_lib.conventions`: ``tf_output_size``, ``same_padding``
* :mod:`pooling_lib.max_unpool`: ``max_unpool2d``
* :mod:`pooling_lib.blur`: ``blur_pool``, ``blur_pool_backward``,
  ``binomial_filter``
* :mod:`pooling_lib.post`: ``asStride``, ``poolingOverlap``, ``unpooling``,
  ``unpoolingAvg``
"""

from .core import WindowCount, max_mask, output_size, pool, unpool_avg, unpool_max, window_count, windows
from .adaptive import adaptive_bins, adaptive_pool, global_pool, lp_pool  # noqa: I001 (after .core)
from .blur import binomial_filter, blur_pool, blur_pool_backward
from .conventions import same_padding, tf_output_size
from .max_unpool import max_unpool2d
from .post import asStride, poolingOverlap, unpooling, unpoolingAvg

__all__ = [
    "output_size",
    "window_count",
    "WindowCount",
    "windows",
    "pool",
    "max_mask",
    "unpool_max",
    "unpool_avg",
    "adaptive_pool",
    "global_pool",
    "lp_pool",
    "adaptive_bins",
    "tf_output_size",
    "same_padding",
    "max_unpool2d",
    "blur_pool",
    "blur_pool_backward",
    "binomial_filter",
    "asStride",
    "poolingOverlap",
    "unpooling",
    "unpoolingAvg",
]
__version__ = "0.1.0"
