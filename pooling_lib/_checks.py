"""Argument checks shared by the public functions.

Every check raises ``TypeError`` (wrong kind of value) or ``ValueError``
(right kind, wrong value) with a message that names the argument and shows
the value received, one condition per message.
"""

import numbers
import operator

import numpy as np

__all__ = ["LARGEST", "as_pool_array", "check_flag", "check_int", "pair"]

_ALLOWED_KINDS = "iuf"

# The largest window, stride, padding, dilation or size accepted: PyTorch's
# pooling kernels take 32-bit ints too, and a product of two such values
# stays far inside numpy's int64.
LARGEST = 2**31 - 1


def _is_int(value):
    if type(value) is int:  # the common case, without the abstract-class check
        return True
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def check_int(value, name, minimum, maximum=None):
    """Return ``value`` as a Python int, checking it is an integer >= minimum (and <= maximum)."""
    if type(value) is int and value >= minimum and (maximum is None or value <= maximum):
        return value
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = operator.index(value)
    if value < minimum:
        word = "positive" if minimum == 1 else "non-negative"
        raise ValueError(f"{name} must be a {word} integer, got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value!r}")
    return value


def pair(value, name, minimum, maximum=LARGEST):
    """Return ``(row, col)`` from an int or a pair of ints, each >= minimum and <= maximum."""
    if type(value) is int and minimum <= value <= maximum:
        return value, value
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu":
        value = value[()]  # a 0-d integer array is an integer
    if _is_int(value):
        value = check_int(value, name, minimum, maximum)
        return value, value
    sequence = isinstance(value, (tuple, list)) or (isinstance(value, np.ndarray) and value.ndim == 1)
    if sequence and len(value) == 2:
        row, col = value
        if not (_is_int(row) and _is_int(col)):
            raise TypeError(f"{name} must be an integer or a pair of integers, got {value!r}")
        return check_int(row, name, minimum, maximum), check_int(col, name, minimum, maximum)
    raise TypeError(f"{name} must be an integer or a pair of integers, got {value!r}")


def check_flag(value, name):
    """Return ``value`` if it is a bool (numpy bools included)."""
    if value is True or value is False:
        return value
    if not isinstance(value, np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def as_pool_array(x, name):
    """Return ``x`` as an ndarray of 2, 3 or 4 dimensions with a real numeric dtype.

    Arrays in non-native byte order are converted (a copy); masked arrays
    are refused (pooling would silently ignore their mask).
    """
    if x is None:
        raise TypeError(f"{name} must be a numeric array, got None")
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{name} must be a plain ndarray, got a masked array (its mask would be ignored: "
            f"fill it, e.g. {name}.filled(...), or pool {name}.data)"
        )
    if type(x) is np.ndarray:
        arr = x
    elif isinstance(x, np.ndarray):
        arr = np.asarray(x)  # np.matrix and other subclasses: a plain view (a matrix stays 2-d)
    else:
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a numeric array, got {x!r}") from exc
    if arr.dtype.kind not in _ALLOWED_KINDS:
        raise TypeError(
            f"{name} must have an integer or floating-point dtype, got dtype {arr.dtype}"
        )
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if arr.ndim not in (2, 3, 4):
        raise ValueError(
            f"{name} must have 2, 3 or 4 dimensions ((h, w), (h, w, c) or (m, h, w, c)), "
            f"got {arr.ndim} dimensions with shape {arr.shape}"
        )
    spatial = arr.shape[1:3] if arr.ndim == 4 else arr.shape[:2]
    if min(spatial) == 0:
        raise ValueError(
            f"{name} must have at least one row and one column, got shape {arr.shape}"
        )
    return arr
