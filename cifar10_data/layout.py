"""What the official CIFAR-10 release holds, and where this package keeps it.

The release (https://www.cs.toronto.edu/~kriz/cifar.html) is a tarball of a folder
``cifar-10-batches-py/`` holding five training batches and one test batch, each a
Python pickle of a dict with ``data`` (10000 x 3072 uint8: the R, G and B planes of
32 x 32 images), ``labels`` and ``filenames``.

The data live in ``get_data_home()``: the checkout's ``datasets/`` folder, or for an
installed package $SOFTMAX_DATA or ~/softmax_data. A bundled sample of real CIFAR-10
images, ``cifar10_data/data/cifar10_sample.npz``, is installed with the package.
"""
import os
from pathlib import Path

from softmax_safeguards.validation import DataError, DownloadError  # noqa: F401  (the errors cifar10_data raises)

URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
MD5 = "c58f30108f718f92721af3b95e74349a"
FOLDER = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
DATA_ENV = "SOFTMAX_DATA"
_REPO = Path(__file__).resolve().parent.parent
_CHECKOUT_DATASETS = _REPO / "datasets"
# package data, so that it is installed with the package (pip install . copies no datasets/ folder)
SAMPLE_PATH = Path(__file__).resolve().parent / "data" / "cifar10_sample.npz"


def get_data_home():
    """The folder where CIFAR-10 is looked for and downloaded: ``<data home>/cifar-10-batches-py``.

    - run from a checkout of the repository: its ``datasets/`` folder (it holds get_datasets.sh);
    - installed (``pip install .``): the folder named by the environment variable
      SOFTMAX_DATA if set, else ``~/softmax_data`` (as scikit-learn's get_data_home).

    The folder is created only when something is downloaded into it.
    """
    if (_CHECKOUT_DATASETS / "get_datasets.sh").is_file():
        return _CHECKOUT_DATASETS
    env = os.environ.get(DATA_ENV)
    return Path(env).expanduser() if env else Path.home() / "softmax_data"


DATASETS_DIR = get_data_home()


def resolve_root(root):
    """The batches folder for ``root``: the folder itself, or its cifar-10-batches-py child."""
    root = Path(root)
    if (root / FOLDER).is_dir() and not (root / TRAIN_BATCHES[0]).exists():
        return root / FOLDER
    return root


def missing_files(data_dir=None):
    """The official batch files that ``data_dir`` (default DATASETS_DIR) lacks, in order."""
    folder = resolve_root(Path(data_dir) if data_dir else DATASETS_DIR)
    return [name for name in TRAIN_BATCHES + (TEST_BATCH,) if not (folder / name).is_file()]


def has_full_data(data_dir=None):
    """True when ``data_dir`` (default DATASETS_DIR, see get_data_home) holds all the official batch files."""
    return not missing_files(data_dir)
