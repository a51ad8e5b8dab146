"""Model files: this package's .npz format (no pickle) and CS231n's .npy files.

A model is a few named float arrays, its parameters (``W`` for a linear classifier;
``W1``, ``b1``, ``W2``, ``b2`` for a two-layer network), plus what is saved alongside.
An .npz model file (``np.savez``, read back with ``allow_pickle=False``) holds:

- ``format``:  the format's name, e.g. "softmax-assignment/linear-classifier";
- ``version``: the format's version; a file newer than this code is refused;
- ``kind``:    the model's class name (Softmax, LinearSVM ...);
- each parameter under its own name;
- ``extra/NAME`` for each extra: preprocessing statistics, class names, settings ...

CS231n's templates save ``np.save(path, params)``, a pickled dict of arrays, and read
it back with ``allow_pickle=True``. A path ending in .npy is written that way, and read
with the repository's restricted unpickler (softmax_safeguards/safe_pickle.py), so a file can
never run code. Every file is written atomically (atomic_write.py).
"""
import os
import pickle
import zipfile

import numpy as np

from .atomic_write import atomic_write

from .safe_pickle import unpickle_arrays
from .validation import InvalidTypeError, InvalidValueError, MissingFileError

FORMAT_VERSION = 1


class ModelFileError(InvalidValueError):
    """A file given as a model is not one of this package's model files, or is malformed."""


def not_a_model_file(path, why):
    """The one error for a file that is not a model file, saying ``why`` (what the file is or holds)."""
    return ModelFileError(f"{path} is not a model file saved by this package ({why})")


def save_model(path, fmt, kind, params, extras=None):
    """Write a model file at ``path`` atomically; returns the path as a str.

    Inputs:
    - path: ending in .npy for CS231n's format (np.save of the dict ``params``, no extras),
      anything else for this package's .npz format (see the module docstring).
    - fmt: the format's name; kind: the model's class name.
    - params: {name: array} of the model's parameters.
    - extras: optional {name: array, number or string}; objects are refused.
    """
    path, extras = os.fspath(path), extras or {}
    if path.endswith(".npy"):
        if extras:
            raise InvalidValueError(f"a .npy file (CS231n's format) holds only the parameters "
                                    f"{sorted(params)}; save extras {sorted(extras)} to an .npz path instead")
        with atomic_write(path) as f:
            np.save(f, dict(params))
        return path
    arrays = {"format": np.array(fmt), "version": np.array(FORMAT_VERSION), "kind": np.array(kind), **params}
    for name, value in extras.items():
        value = np.asarray(value)
        if value.dtype == object:
            raise InvalidTypeError(f"extra {name!r} must be an array of numbers or strings, not objects")
        arrays["extra/" + name] = value
    with atomic_write(path) as f:
        np.savez(f, **arrays)
    return path


def load_model(path, fmt, params, kinds, expected=None):
    """Read a model file written by ``save_model``, or CS231n's .npy of its parameters.

    Inputs:
    - path: the file; fmt: the format's name it must carry.
    - params: {name: ndim} of the parameters the model needs, e.g. {"W": 2}.
    - kinds: {kind name: class} that this format may hold.
    - expected: the class asked for (``Softmax.load``), or None for any of ``kinds``.

    Returns (cls, arrays, extras): the class the .npz file names (None for a .npy file,
    which does not say), {name: checked float array} and {name: extra}. Raises
    MissingFileError if there is no file, ModelFileError if it is not a model file of
    this format or is malformed, of another kind than ``expected``, or newer than this code.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise MissingFileError(f"no model file at {path}")
    if path.endswith(".npy"):
        found = _read_npy_params(path, params)
        return None, {name: _checked_param(found[name], path, name, ndim) for name, ndim in params.items()}, {}
    try:
        with np.load(path, allow_pickle=False) as data:
            contents = {k: data[k] for k in data.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, AttributeError) as exc:
        raise not_a_model_file(path, f"numpy cannot read it as an .npz archive: {exc}") from None
    if str(contents.get("format", "")) != fmt or "kind" not in contents or not set(params) <= set(contents):
        raise not_a_model_file(path, f"it has entries {sorted(contents)}")
    if int(contents["version"]) > FORMAT_VERSION:
        raise ModelFileError(f"{path} was saved by a newer version (format {int(contents['version'])}); upgrade")
    kind = str(contents["kind"])
    if kind not in kinds:
        raise ModelFileError(f"{path} holds an unknown model kind {kind!r}")
    if expected is not None and kinds[kind] is not expected:
        raise ModelFileError(f"{path} holds a {kind} model, not a {expected.__name__}; load it with {kind}.load")
    arrays = {name: _checked_param(contents[name], path, name, ndim) for name, ndim in params.items()}
    extras = {k[len("extra/"):]: v for k, v in contents.items() if k.startswith("extra/")}
    return kinds[kind], arrays, extras


def stored_names(path):
    """The names of the parameters a model file holds (its entries other than the format's own and the
    extras), sorted: what a model of any depth reads first to know which parameters to ask ``load_model`` for.

    Raises MissingFileError if there is no file, ModelFileError if it is not a model file.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise MissingFileError(f"no model file at {path}")
    if path.endswith(".npy"):
        return sorted(_read_npy_params(path, {}))
    try:
        with np.load(path, allow_pickle=False) as data:
            names = list(data.files)
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, AttributeError) as exc:
        raise not_a_model_file(path, f"numpy cannot read it as an .npz archive: {exc}") from None
    return sorted(n for n in names if n not in ("format", "version", "kind") and not n.startswith("extra/"))


def _checked_param(value, path, name, ndim):
    """A parameter read from ``path``, checked to be a finite float array of ``ndim`` dimensions."""
    if not isinstance(value, np.ndarray):
        raise ModelFileError(f"{path} holds {name} as a {type(value).__name__}, expected a {ndim}-D float array")
    if value.ndim != ndim or not np.issubdtype(value.dtype, np.floating) or min(value.shape) < 1:
        raise ModelFileError(f"{path} holds weights of the wrong shape or type: {name} has shape {value.shape} "
                             f"and dtype {value.dtype}, expected a {ndim}-D float array")
    if not np.isfinite(value).all():
        raise ModelFileError(f"{path} holds weights with NaN or infinity")
    return value


def _read_npy_params(path, params):
    """The parameters in an .npy file: CS231n's pickled dict, read by the restricted unpickler,
    or, for a model with a single parameter, that bare array."""
    expected = "{" + ", ".join(f"'{name}': {name}" for name in params) + "}"
    try:
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read_header is None:
                raise ValueError(f"unsupported .npy version {version}")
            _, _, dtype = read_header(f)
            if dtype != object and len(params) == 1:
                return {next(iter(params)): np.load(path, allow_pickle=False)}
            found = unpickle_arrays(f) if dtype == object else np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, pickle.UnpicklingError) as exc:
        raise not_a_model_file(path, f"CS231n's format is np.save of {expected}: {exc}") from None
    if isinstance(found, np.ndarray) and found.shape == () and found.dtype == object:
        found = found.item()
    if not isinstance(found, dict) or not set(params) <= set(found):
        raise not_a_model_file(path, f"CS231n's format is np.save of a dict {expected}, found a "
                                     f"{type(found).__name__}")
    return found
