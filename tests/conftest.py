"""Shared fixtures. In CI (CI=true) the full CIFAR-10 and PyTorch must be present:
tests that need them fail there instead of skipping."""
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

import data_utils

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ROOT = Path(__file__).resolve().parent.parent


def require(condition, why):
    """Skip locally, fail in CI, when a prerequisite is missing."""
    if not condition:
        (pytest.fail if IN_CI else pytest.skip)(why)


@pytest.fixture(scope="session")
def cifar10_dir():
    folder = data_utils.DATASETS_DIR / data_utils.FOLDER
    require(data_utils.has_full_data(folder),
            f"the full CIFAR-10 is not in {folder} (bash datasets/get_datasets.sh downloads it)")
    return folder


NO_TORCH = "PyTorch is not installed (pip install torch==2.13.0, the oracle extra)"
_SET_ASIDE = pytest.StashKey[int]()      # how many tests needing PyTorch were set aside


def _torch_or_none():
    try:
        import torch as torch_module
    except ImportError:
        return None
    return torch_module


@pytest.fixture(scope="session")
def torch():
    torch_module = _torch_or_none()
    require(torch_module is not None, NO_TORCH)
    torch_module.set_num_threads(1)
    return torch_module


def pytest_collection_modifyitems(config, items):
    """Without PyTorch (outside CI), the tests that compare with it are set aside at collection and
    counted in one line at the end, instead of a skip mark and a summary line each."""
    needs_torch = [item for item in items if "torch" in getattr(item, "fixturenames", ())]
    if IN_CI or not needs_torch or _torch_or_none() is not None:
        return
    items[:] = [item for item in items if "torch" not in getattr(item, "fixturenames", ())]
    config.hook.pytest_deselected(items=needs_torch)
    config.stash[_SET_ASIDE] = len(needs_torch)


def pytest_terminal_summary(terminalreporter, config):
    count = config.stash.get(_SET_ASIDE, 0)
    if count:
        terminalreporter.write_line(f"{count} comparisons with PyTorch not run (counted as deselected): {NO_TORCH}")


def random_problem(n, d, c, seed, dtype=np.float64, scale=1.0):
    """A random (W, X, y) linear classification problem."""
    rng = np.random.default_rng(seed)
    W = (rng.standard_normal((d, c)) * scale).astype(dtype)
    X = rng.standard_normal((n, d)).astype(dtype)
    y = rng.integers(0, c, n)
    return W, X, y


def write_cifar_folder(root, corrupt=()):
    """A cifar-10-batches-py folder whose every batch holds the sample's test images; ``corrupt`` ones truncated."""
    _, _, Xte, yte = data_utils.load_CIFAR10(data_utils.SAMPLE_PATH, dtype=np.uint8)
    folder = root / data_utils.FOLDER
    folder.mkdir(parents=True)
    for name in data_utils.TRAIN_BATCHES + (data_utils.TEST_BATCH,):
        if name in corrupt:
            (folder / name).write_bytes(b"\x80\x02}q\x00(U\x04data")
        else:
            with open(folder / name, "wb") as f:
                pickle.dump({"data": Xte.transpose(0, 3, 1, 2).reshape(len(Xte), -1), "labels": yte.tolist()}, f)
    return folder, Xte, yte
