"""Shared fixtures. In CI (CI=true) the full CIFAR-10, PyTorch and the grader's sandbox (bubblewrap) must be
present: tests that need them fail there instead of skipping."""
import fcntl
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

import cifar10_data
from assignment_checks.exercises import EXERCISES

#: the points of the assignment, and of CS231n's part of it (what --layout cs231n grades), from the definitions
TOTAL = sum(e.points for e in EXERCISES)
CS231N_TOTAL = sum(e.points for e in EXERCISES if e.cs231n)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ROOT = Path(__file__).resolve().parent.parent


def require(condition, why):
    """Skip locally, fail in CI, when a prerequisite is missing."""
    if not condition:
        (pytest.fail if IN_CI else pytest.skip)(why)


@pytest.fixture(scope="session")
def cifar10_dir():
    folder = cifar10_data.DATASETS_DIR / cifar10_data.FOLDER
    require(cifar10_data.has_full_data(folder),
            f"the full CIFAR-10 is not in {folder} (bash datasets/get_datasets.sh downloads it)")
    return folder


@pytest.fixture(scope="session")
def kernel_env(tmp_path_factory):
    """A kernel spec named python3 that runs this interpreter, found before any other (JUPYTER_PATH)."""
    from ipykernel.kernelspec import write_kernel_spec
    base = tmp_path_factory.mktemp("jupyter")
    write_kernel_spec(path=str(base / "kernels" / "python3"), overrides={"argv": [
        sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]})
    return base


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


def sandbox_problem():
    """Why the grader's sandbox cannot run here, or None."""
    from instructor import isolation
    try:
        isolation.find("auto")
    except isolation.SandboxUnavailable as exc:
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


@pytest.fixture(scope="session")
def autograder_image():
    """Gradescope's image as setup.sh builds it, here: the bundle in ROOT/source, a virtual environment made
    by the system's python3 (marked externally managed, PEP 668, on Debian 12 and Ubuntu 24.04) in
    ROOT/venv, and the account ``student``. ROOT is a folder other accounts may cross, as /autograder."""
    from instructor import gradescope
    require(os.geteuid() == 0, "setup.sh runs as root, as on Gradescope")
    system_python = shutil.which("python3", path="/usr/bin:/bin")
    require(system_python is not None, "there is no system python3 in /usr/bin")
    root = Path(tempfile.mkdtemp(prefix="autograder-"))
    try:
        os.chmod(root, 0o755)
        bundle = root / "autograder.zip"
        assert gradescope.main([str(bundle)]) == 0
        with zipfile.ZipFile(bundle) as archive:
            archive.extractall(root / "source")
        bundle.unlink()
        shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
        env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_SETUP_PYTHON=system_python)
        done = subprocess.run(["bash", "setup.sh"], cwd=root / "source", env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


#: the accounts this test holds, by name: {name: open lock file}
_HELD = {}


def hold(name):
    """Wait until no other test on this machine uses the account ``name``, and hold it until this test ends.
    The grader refuses an account that runs other processes, and ends all of an account's processes when
    its grading ends: two test runs side by side (two checkouts, or two copies of the suite) would each
    break the other's grading in user mode."""
    if name not in _HELD:
        folder = "/run/lock" if os.path.isdir("/run/lock") else tempfile.gettempdir()
        lock = open(os.path.join(folder, f"softmax-assignment-tests-{name}.lock"), "a")
        fcntl.flock(lock, fcntl.LOCK_EX)
        _HELD[name] = lock


@pytest.fixture(autouse=True)
def _release_accounts():
    yield
    while _HELD:
        _HELD.popitem()[1].close()


def account(name, group=None):
    """(uid, gid) of a system account, made if it does not exist (tests run as root), held by this test alone
    (``hold``); ``group``: its primary group, made if it does not exist (else a group of its own)."""
    import grp
    import pwd
    hold(name)
    if group is not None and subprocess.run(["getent", "group", group], capture_output=True).returncode != 0:
        subprocess.run(["groupadd", "--system", group], check=True)
    if subprocess.run(["id", "-u", name], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        *(["--gid", group] if group else []), name], check=True)
    entry = pwd.getpwnam(name)
    assert group is None or entry.pw_gid == grp.getgrnam(group).gr_gid, f"{name} is not in the group {group}"
    return entry.pw_uid, entry.pw_gid


def write_cifar_folder(root, corrupt=()):
    """A cifar-10-batches-py folder whose every batch holds the sample's test images; ``corrupt`` ones truncated."""
    _, _, Xte, yte = cifar10_data.load_CIFAR10(cifar10_data.SAMPLE_PATH, dtype=np.uint8)
    folder = root / cifar10_data.FOLDER
    folder.mkdir(parents=True)
    for name in cifar10_data.TRAIN_BATCHES + (cifar10_data.TEST_BATCH,):
        if name in corrupt:
            (folder / name).write_bytes(b"\x80\x02}q\x00(U\x04data")
        else:
            with open(folder / name, "wb") as f:
                pickle.dump({"data": Xte.transpose(0, 3, 1, 2).reshape(len(Xte), -1), "labels": yte.tolist()}, f)
    return folder, Xte, yte


# Seconds a notebook's kernel may take to start, and its last outputs to arrive after a cell's reply: limits
# on waiting for an event (the kernel's first reply, its "idle" status), not a wait, as each ends when the
# event comes. nbclient's own, 60 s and 4 s, were guesses that a machine under load can miss.
KERNEL_WAIT_SECONDS = 600


def run_notebook(nb, folder):
    """Run every cell of ``nb`` in order in a fresh kernel named python3 (found on JUPYTER_PATH), working in
    ``folder``, with no time limit on a cell. Raises CellExecutionError from the first cell that raises;
    a kernel that dies raises DeadKernelError naming how it ended (SIGKILL: killed from outside, as by the
    out-of-memory killer), and a cell whose outputs did not all arrive raises CellTimeoutError."""
    import signal

    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError
    kernel = {}
    client = NotebookClient(nb, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(folder)}},
                            startup_timeout=KERNEL_WAIT_SECONDS, iopub_timeout=KERNEL_WAIT_SECONDS,
                            raise_on_iopub_timeout=True,
                            on_notebook_start=lambda notebook: kernel.update(process=client.km.provisioner.process))
    try:
        client.execute()
    except DeadKernelError:
        code = kernel["process"].poll() if "process" in kernel else None
        how = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
               else f"exit status {code}")
        raise DeadKernelError(f"the notebook's kernel died ({how})") from None
    return nb

