"""CIFAR-10: download, verify, load safely, split and preprocess.

One module per job, all of their public names available from ``cifar10_data`` itself
(``from cifar10_data import load_CIFAR10, get_CIFAR10_data``, as CS231n's notebooks do):

- ``layout``:   what the official release holds (FOLDER, TRAIN_BATCHES, CLASSES ...)
  and where it lives (get_data_home, DATASETS_DIR, SAMPLE_PATH, has_full_data);
- ``download``: download_CIFAR10 (checksummed, retried) and extract_tarball (safe);
- ``loading``:  load_CIFAR10, load_CIFAR10_batch, load_pickle (through the repository's
  restricted unpickler, softmax_safeguards/safe_pickle.py), class_names, load_dataset (the full
  set if possible, else the bundled sample, saying which);
- ``splits``:   Preprocessor, mirror_permutation, get_CIFAR10_data (CS231n's: images
  (N, 3, 32, 32), mean image subtracted) and get_linear_classifier_data (the linear
  classifier's rows with a bias column and a dev split).

Typical use, as in the assignment::

    data = get_CIFAR10_data()               # CS231n's: (N, 3, 32, 32), mean image subtracted
    rows = get_linear_classifier_data()     # the linear classifier's: rows, bias column, dev split
    X_train, y_train = rows["X_train"], rows["y_train"]

or, for the raw images::

    Xtr, ytr, Xte, yte = load_CIFAR10("datasets/cifar-10-batches-py")

Errors are the package's own (softmax_safeguards/validation.py): DataError for missing,
incomplete, corrupt or unsafe files, DownloadError for a failed download, and
ValueError / TypeError subclasses naming the argument for bad arguments.
"""
from softmax_safeguards.safe_pickle import unpickle_arrays

from .download import download_CIFAR10, extract_tarball
from .layout import (CLASSES, DATA_ENV, DATASETS_DIR, FOLDER, MD5, SAMPLE_PATH, TEST_BATCH, TRAIN_BATCHES, URL,
                     DataError, DownloadError, get_data_home, has_full_data, missing_files)
from .loading import class_names, load_CIFAR10, load_CIFAR10_batch, load_dataset, load_pickle
from .splits import Preprocessor, get_CIFAR10_data, get_linear_classifier_data, mirror_permutation

__all__ = ["CLASSES", "DATA_ENV", "DATASETS_DIR", "FOLDER", "MD5", "SAMPLE_PATH", "TEST_BATCH", "TRAIN_BATCHES",
           "URL", "DataError", "DownloadError", "Preprocessor", "class_names", "download_CIFAR10",
           "extract_tarball", "get_CIFAR10_data", "get_data_home", "get_linear_classifier_data", "has_full_data",
           "load_CIFAR10", "load_CIFAR10_batch", "load_dataset", "load_pickle", "mirror_permutation",
           "missing_files", "unpickle_arrays"]
