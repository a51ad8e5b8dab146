"""What the notebooks' own cells call: ``setup()`` in the first, ``check(name)`` after an exercise, ``hand_in()`` last.

The first code cell is the same in every notebook. On Google Colab it mounts Google Drive at
/content/drive (the environment variable DRIVE_MOUNT names another mount point: the tests' stand-in
Drive), puts the assignment's folder, "MyDrive/" + FOLDERNAME (or "My Drive/", as CS231n's notebooks
name it), first on ``sys.path`` so that the package imports without installing it (``pip install -e``
would need a restart of the runtime), and calls ``setup()``. Elsewhere (a local Jupyter after
``make venv``) the package is installed and ``setup()`` only turns on autoreload.
"""
import configparser
import contextlib
import importlib
import importlib.metadata
import os
import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def on_colab():
    """Whether this is a Colab kernel: the first cell has imported google.colab, which only Colab has."""
    return "google.colab" in sys.modules


@contextlib.contextmanager
def working_folder(folder):
    """Run the body with ``folder`` as the working folder, as `make` runs from the assignment's top folder."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def requirements(root=ROOT):
    """The requirements of the package ("numpy>=1.22", ...): install_requires of ``root``/setup.cfg."""
    config = configparser.ConfigParser()
    config.read(Path(root) / "setup.cfg", encoding="utf-8")
    return [line.strip() for line in config["options"]["install_requires"].splitlines() if line.strip()]


def missing(requirements):
    """Those of ``requirements`` that are not installed, or installed at a version they exclude."""
    from packaging.requirements import Requirement         # matplotlib requires packaging: Colab has it
    lacking = []
    for line in requirements:
        requirement = Requirement(line)
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            lacking.append(line)
            continue
        if not requirement.specifier.contains(version, prereleases=True):
            lacking.append(line)
    return lacking


def install(requirements):
    """pip install ``requirements`` into this kernel's Python; importable at once, without a restart."""
    if not requirements:
        return
    print(f"installing what this runtime lacks: {', '.join(requirements)}")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *requirements],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip could not install {', '.join(requirements)}:\n{(done.stdout + done.stderr)[-2000:]}")
    importlib.invalidate_caches()


def get_data():
    """CIFAR-10 into the assignment's datasets/ once, with cifar10_data's checksummed download.

    Where it cannot be downloaded, says so: the notebooks then use the bundled sample, as everywhere.
    """
    import cifar10_data
    if cifar10_data.has_full_data():
        print(f"CIFAR-10 is in {cifar10_data.DATASETS_DIR / cifar10_data.FOLDER}")
        return
    try:
        cifar10_data.download_CIFAR10(cifar10_data.DATASETS_DIR)
    except (cifar10_data.DownloadError, cifar10_data.DataError) as exc:
        print(f"notice: {str(exc).split('. ')[0]}; the notebooks use the bundled sample of CIFAR-10 instead")


@contextlib.contextmanager
def lent_imp():
    """Run the body with a module ``imp`` in ``sys.modules`` holding ``reload`` only (importlib's, which
    ``imp.reload`` was until Python 3.12 removed ``imp``); it is removed when the body ends."""
    imp = types.ModuleType("imp", "imp.reload for IPython 7's autoreload, lent by assignment_checks.workspace.autoreload")
    imp.reload = importlib.reload
    sys.modules["imp"] = imp
    try:
        yield
    finally:
        del sys.modules["imp"]


def autoreload():
    """Turn on IPython's ``%autoreload 2``, as CS231n's notebooks do: an edit to a .py file takes effect in the
    next cell, without restarting the kernel. Outside IPython it does nothing.

    Colab's IPython 7.34 loads its autoreload with ``from imp import reload``, which fails on Python 3.12
    and later (Colab's is 3.13: googlecolab/colabtools issues 5580 and 6074). There it is loaded with
    ``lent_imp()``: the ``imp`` it gets is importlib's reload, and no other import sees it afterwards.
    Returns None.
    """
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    shell = get_ipython() if get_ipython else None
    if shell is None:
        return
    try:
        shell.extension_manager.load_extension("autoreload")
    except ModuleNotFoundError as exc:
        if exc.name != "imp":
            raise
        with lent_imp():
            shell.extension_manager.load_extension("autoreload")
    shell.run_line_magic("autoreload", "2")


def setup():
    """The first cell's set-up: turns on autoreload (``autoreload()``); on Colab, also what `make venv` and
    `make data` do locally.

    On Colab (the folder is already on sys.path): installs the requirements of setup.cfg that the
    runtime lacks, gets CIFAR-10 into the folder's datasets/ once (the first run downloads
    170 MB into your Drive), and makes notebooks/ the working folder, as a local Jupyter does.
    """
    autoreload()
    if not on_colab():
        return
    print(f"the assignment is in {ROOT}")
    install(missing(requirements()))
    get_data()
    os.chdir(ROOT / "notebooks")


def check(name):
    """Run the self-checks of the exercises `make check NAME` runs, and print what it prints for each.

    Inputs:
    - name: an exercise's name (as make check lists them), or part of the names or files of several
      ("svm" for both SVM losses, "activations.py" for the functions of classifiers/activations.py).
    Returns None. The student's code never makes it raise: an exercise not written yet says
    "not written yet", a failing one "FAIL" with what is likely wrong, a file that does not
    import "cannot run" with its error. Raises TypeError or ValueError for a ``name`` that is not
    a string or matches no exercise (a mistake in the cell, not in the student's code).
    """
    # checked here rather than through softmax_safeguards/validation.py: checks must work when classifiers does not import
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be an exercise's name as a non-empty str, got {name!r}")
    from . import run_all
    with working_folder(ROOT):
        outcomes = run_all([name])
    if not outcomes:
        with working_folder(ROOT):
            known = ", ".join(o.exercise.name for o in run_all())
        raise ValueError(f"name must be an exercise's name or part of one, got {name!r}; the exercises are: {known}")
    for broken in dict.fromkeys(getattr(o, "broken", "") for o in outcomes):
        if broken:
            print(f"error: {broken}\n")
    for outcome in outcomes:
        print(outcome.report())


def hand_in(root=ROOT):
    """The notebooks' hand-in cell: what `make submit` does, and on Colab both files offered for download.

    Inputs:
    - root: the assignment's folder (default: the one this package is in), where submission.zip
      and submission.pdf are written (on Colab, in your Drive).
    The notebooks are read as saved: save each one (File > Save) after running it to the end.
    Returns None.
    """
    from .submit import submit
    print("Save every notebook (File > Save) before handing in: the notebooks are read as they are saved.\n")
    paths = submit(root)
    if on_colab():
        from google.colab import files
        for path in paths:
            files.download(str(path))
