"""The values a call returns, as data: plain numbers and numeric arrays, nothing that runs code.

``encode`` turns what the student's code returned into JSON-able data (arrays as .npy bytes
saved with allow_pickle=False; anything else only by its type's name); ``decode`` turns it
back into a float or an ndarray, or raises ResultError. The grader's child encodes and the
grader decodes; ``make check`` passes its values through both too, so a judge sees the same
thing in either place.
"""
import base64
import io

import numpy as np


class ResultError(ValueError):
    """A value that is not a plain number or a numeric array; the message says what it is."""


def encode(value):
    """A value as JSON: {"number": x}, {"npy": base64}, or {"unsupported": what it is}."""
    if type(value) in (bool, int, float):
        return {"number": float(value)}
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        array = value.view(np.ndarray)
        if array.dtype.kind not in "biuf":
            return {"unsupported": f"array of dtype {array.dtype}"}
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        return {"npy": base64.b64encode(buffer.getvalue()).decode("ascii")}
    if isinstance(value, list):        # a loss history
        try:
            return encode(np.array([float(v) for v in value]))
        except (TypeError, ValueError, OverflowError):
            return {"unsupported": "list of non-numbers"}
    if isinstance(value, tuple):
        return {"unsupported": f"tuple of {len(value)} values"}
    return {"unsupported": type(value).__name__}


def decode(value):
    """A value made by ``encode``: a float or a numeric ndarray; ResultError for anything else."""
    if not isinstance(value, dict):
        raise ResultError("something the harness does not write")
    if "number" in value and isinstance(value["number"], (int, float)):
        return float(value["number"])
    if "npy" in value and isinstance(value["npy"], str):
        try:
            array = np.load(io.BytesIO(base64.b64decode(value["npy"], validate=True)), allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise ResultError(f"an array that could not be read safely ({exc})") from None
        if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
            raise ResultError(f"an array of dtype {getattr(array, 'dtype', '?')}, not numbers")
        return array
    if "unsupported" in value:
        raise ResultError(f"a {str(value['unsupported'])[:80]}, not a number or numpy array")
    raise ResultError("a value the grader does not accept")


def describe(value):
    """What an encoded value is, for feedback: 'float', 'ndarray of shape (3,)', or what encode said."""
    try:
        decoded = decode(value)
    except ResultError as exc:
        return str(exc)
    return "a number" if isinstance(decoded, float) else f"an array of shape {decoded.shape}"
