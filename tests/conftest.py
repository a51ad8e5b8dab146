"""Shared fixtures. In CI (CI=true) the full CIFAR-10 and PyTorch must be present:
tests that need them fail there instead of skipping."""
import os
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


@pytest.fixture(scope="session")
def torch():
    try:
        import torch as torch_module
    except ImportError:
        torch_module = None
    require(torch_module is not None, "PyTorch is not installed (pip install torch==2.13.0, the oracle extra)")
    torch_module.set_num_threads(1)
    return torch_module


def random_problem(n, d, c, seed, dtype=np.float64, scale=1.0):
    """A random (W, X, y) linear classification problem."""
    rng = np.random.default_rng(seed)
    W = (rng.standard_normal((d, c)) * scale).astype(dtype)
    X = rng.standard_normal((n, d)).astype(dtype)
    y = rng.integers(0, c, n)
    return W, X, y


def sandbox_problem():
    """Why the grader's sandbox cannot run here, or None."""
    from instructor import sandbox
    try:
        sandbox.isolation("auto")
    except sandbox.SandboxUnavailable as exc:
        return str(exc)
    return None


def pytest_configure(config):
    """Without a sandbox (no bubblewrap), the grader's tests run submitted code unsandboxed locally; the
    tests of the sandbox itself (the ``sandboxed`` fixture) skip, and in CI they fail."""
    if sandbox_problem() is not None and not IN_CI:
        from instructor import sandbox
        sandbox.DEFAULT_ISOLATION = "none"


@pytest.fixture
def sandboxed():
    problem = sandbox_problem()
    require(problem is None, f"the grader's sandbox cannot run here: {problem}")
