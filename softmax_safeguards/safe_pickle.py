"""The repository's one restricted unpickler: numpy arrays, plain containers, numbers and strings.

Unpickling can run arbitrary code, so the two pickled formats this package reads
(the official CIFAR-10 batches, and CS231n's model files, np.save of a dict) are
read with an unpickler that admits only the few globals those formats name:
numpy's array reconstruction, ``numpy.ndarray``, ``numpy.dtype``, and the
latin-1 ``_codecs.encode`` that Python 3 protocol-2 pickles use to make bytes.
Any other global is refused with ``pickle.UnpicklingError("forbidden global
MODULE.NAME")``; callers turn that into their own message.
"""
import pickle

import numpy as np

FORBIDDEN = "forbidden global"


def _numpy_internals():
    try:  # numpy >= 2 keeps them in numpy._core; pickles may name numpy.core
        from numpy._core.multiarray import _reconstruct
        from numpy._core.numeric import _frombuffer
    except ImportError:  # pragma: no cover - numpy 1.x
        from numpy.core.multiarray import _reconstruct
        from numpy.core.numeric import _frombuffer
    return _reconstruct, _frombuffer


def _latin1_bytes(text, encoding="latin1"):
    """What Python 3 protocol-2 pickles call to make bytes: str -> bytes, nothing else."""
    if not isinstance(text, str) or encoding != "latin1":
        raise pickle.UnpicklingError(f"{FORBIDDEN} _codecs.encode with unexpected arguments")
    return text.encode("latin1")


_reconstruct, _frombuffer = _numpy_internals()
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,     # the official batches
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,          # arrays pickled with protocol 5
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1_bytes,                        # bytes in Python 3 protocol-2 pickles
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that only rebuilds numpy arrays, plain containers, numbers and strings."""

    def find_class(self, module, name):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{FORBIDDEN} {module}.{name}") from None


def unpickle_arrays(file):
    """Unpickle one object from an open binary file, admitting only numpy arrays, plain
    containers, numbers and strings; Python 2 strings are read as latin-1.

    Inputs:
    - file: a binary file object positioned at the start of a pickle.

    Returns the object. Raises pickle.UnpicklingError "forbidden global MODULE.NAME"
    for any other global the file asks for, and what pickle raises for a damaged file.
    """
    return RestrictedUnpickler(file, encoding="latin1").load()


def forbidden_global(exc):
    """The MODULE.NAME a refused pickle asked for, or None when ``exc`` is another unpickling error."""
    text = str(exc)
    return text[len(FORBIDDEN):].strip() if text.startswith(FORBIDDEN) else None
