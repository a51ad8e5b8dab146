"""The model file a run saves (model.npz): a trained model with its preprocessing and class names.

``CifarModel`` is what ``evaluate`` and ``predict`` need: uint8 images in, classes out.
The model may be of any kind in ``softmax_cifar10.models.KINDS``; the file's format entry
says which (softmax_safeguards/persistence.py).
"""
import json
import zipfile
from pathlib import Path

import numpy as np

import cifar10_data

from softmax_safeguards.persistence import ModelFileError, not_a_model_file
from softmax_safeguards.validation import InvalidValueError


class CifarModel:
    """A trained model with its preprocessing and class names: all that prediction needs."""

    def __init__(self, classifier, preprocessor, class_names, hyperparams=None):
        self.classifier = classifier
        self.preprocessor = preprocessor
        self.class_names = tuple(class_names)
        self.hyperparams = dict(hyperparams or {})
        self.chunk = 2000           # images preprocessed at a time, so no float copy of them all is made

    def save(self, path):
        return self.classifier.save(path, **self.preprocessor.state(), class_names=np.array(self.class_names),
                                    hyperparams=json.dumps(self.hyperparams))

    @classmethod
    def load(cls, path):
        """Load a model saved by ``train`` (its model.npz, or the run folder holding it).

        Raises ModelFileError (a ValueError) naming the file if it is not one.
        """
        path = model_file(path)
        clf = _kind_of(path).classifier.load(path)
        extras = clf.extras
        if "pre_mean" not in extras or "class_names" not in extras:
            raise ModelFileError(f"{path} holds a {type(clf).__name__} classifier without the preprocessing "
                                 f"statistics and class names that `python -m classifiers train` saves with it")
        try:
            pre = cifar10_data.Preprocessor.from_state(extras, dtype=_dtype(clf))
            hyper = json.loads(str(extras["hyperparams"])) if "hyperparams" in extras else {}
        except ValueError as exc:               # json.JSONDecodeError is a ValueError too
            raise InvalidValueError(f"{path} holds malformed preprocessing or settings ({exc})") from None
        features = pre.mean.shape[0] + pre.bias
        if features != _input_dim(clf):
            raise InvalidValueError(f"{path} is inconsistent: the model reads {_input_dim(clf)} features but the "
                                    f"preprocessing gives {features}")
        names = [str(n) for n in extras["class_names"]]
        if len(names) != _num_classes(clf):
            raise InvalidValueError(f"{path} is inconsistent: {len(names)} class names for "
                                    f"{_num_classes(clf)} classes")
        return cls(clf, pre, names, hyper)

    def predict_proba(self, images):
        """Class probabilities (N, C) for uint8 images (N, 32, 32, 3), any number of them."""
        return self._in_chunks(self.classifier.predict_proba, images)

    def predict(self, images):
        """Predicted labels (N,) for uint8 images (N, 32, 32, 3), any number of them."""
        return self._in_chunks(self.classifier.predict, images)

    def _in_chunks(self, method, images):
        """``method`` of the classifier on the preprocessed images, ``self.chunk`` images at a time."""
        return np.concatenate([method(self.preprocessor.transform(images[s:s + self.chunk]))
                               for s in range(0, len(images), self.chunk)])


def _params(clf):
    """The model's weight matrices in order: W for a linear classifier, W1, W2 ... for a network."""
    params = getattr(clf, "params", None)
    return [params[k] for k in sorted(params) if k.startswith("W")] if params else [clf.W]


def _dtype(clf):
    return clf.X_train.dtype if hasattr(clf, "X_train") else _params(clf)[0].dtype


def _input_dim(clf):
    return clf.X_train.shape[1] if hasattr(clf, "X_train") else _params(clf)[0].shape[0]


def _num_classes(clf):
    return clf.num_classes if hasattr(clf, "X_train") else _params(clf)[-1].shape[1]


def _kind_of(path):
    """The model kind whose format the file carries (the first kind's, for the error, when none)."""
    from .models import KINDS
    try:
        with np.load(path, allow_pickle=False) as data:
            fmt = str(data["format"]) if "format" in data.files else None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise not_a_model_file(path, f"numpy cannot read it as an .npz archive: {exc}") from None
    return next((k for k in KINDS.values() if k.format == fmt), next(iter(KINDS.values())))


def model_file(path):
    """The model.npz that ``path`` names: the file itself, or the one in a run folder.

    Checks that it is an .npz archive, so that an image, a text file or a
    results.json gets a plain message instead of numpy's advice about pickles.
    """
    path = Path(path)
    if path.is_dir():
        if not (path / "model.npz").is_file():
            raise ModelFileError(f"no model.npz in the folder {path}: pass a run folder written by "
                                 f"`python -m classifiers train`, or its model.npz")
        path = path / "model.npz"
    if not path.exists():
        raise ModelFileError(f"no model file at {path}")
    if not zipfile.is_zipfile(path):
        raise not_a_model_file(path, "it is not an .npz archive; pass a run's model.npz or its folder")
    return path


def load_images(paths, errors=None):
    """Read image files as uint8 RGB arrays (N, 32, 32, 3), resizing to 32x32 when needed.

    An unreadable file raises ValueError naming it; when a list ``errors`` is
    given, it gets (path, message) instead and the file is skipped. Returns the
    images of the files read, in order.
    """
    from PIL import Image, UnidentifiedImageError
    images = []
    for path in paths:
        try:
            with Image.open(path) as img:
                img = img.convert("RGB")
                if img.size != (32, 32):
                    img = img.resize((32, 32), Image.Resampling.LANCZOS)
                images.append(np.asarray(img, dtype=np.uint8))
        except (UnidentifiedImageError, OSError) as exc:
            message = (f"no image file at {path}" if isinstance(exc, FileNotFoundError)
                       else f"{path} is not an image Pillow can read ({exc})")
            if errors is None:
                raise InvalidValueError(message) from None
            errors.append((path, message))
    return np.stack(images) if images else np.empty((0, 32, 32, 3), np.uint8)


