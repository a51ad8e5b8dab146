"""The student edition run as Google Colab runs it, from upload to hand-in, without Colab.

- Colab's Python: a virtual environment built from the versions Colab publishes (tests/colab/requirements.txt:
  Python 3.13, IPython 7.34, ipykernel 6.17, numpy 2.1, ...), kept in .venv/colab-<hash> and built again
  when the pins change. Each run gets a fresh environment on top of it (a .pth file naming its
  site-packages), so that what the first cell installs (fpdf2 and ziamath, which Colab lacks) stays there. The
  package is not installed, and there is no make.
- Google Drive: a temporary folder with "MyDrive/assignment1" in it (Colab shows the Drive as MyDrive;
  the first cell also finds "My Drive", as CS231n's notebooks name it), holding the edition with the
  solution's files copied over the exercises. A stand-in ``google.colab`` (``drive.mount``,
  ``files.download``) is on the kernel's path; DRIVE_MOUNT tells the notebooks' first cell where the
  stand-in Drive is mounted, instead of /content/drive.
- Offline: pip installs from a folder holding wheels of fpdf2 and ziamath (and ziamath's ziafont and
  latex2mathml) repacked from this environment, and
  the CIFAR-10 download goes to a closed local port, so the notebooks fall back to the bundled sample.

Every notebook is executed top to bottom by a kernel started outside the edition's folder and saved
back into the Drive, as Colab saves it; then a new kernel runs the first cell and the hand-in cell.
The zip and the PDF must be in the Drive folder and offered for download, and the PDF's text, read
back with pypdf, must hold every question, every answer and every printed line, and every figure.
An edit to a .py file takes effect in the next cell, without a restart, in Colab's kernel and in this
environment's (a local Jupyter).
"""
import fcntl
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import nbformat
import pytest

from assignment_checks import submit

import conftest
from conftest import ROOT, require
from instructor import release as rel

pytestmark = pytest.mark.slow

PINS = ROOT / "tests" / "colab" / "requirements.txt"


def pinned_python(pins):
    """Colab's Python, "3.x", as the pins file ``pins`` records it (a line "# python: 3.x")."""
    return re.search(r"^# python: (3\.\d+)$", pins.read_text(), re.M).group(1)


#: the first cell's default folder in the Drive, where the test puts the edition
FOLDERNAME = re.search(r'^FOLDERNAME = "([^"]+)"', next(
    c.source for c in nbformat.read(ROOT / "notebooks/softmax.ipynb", as_version=4).cells if c.cell_type == "code"),
    re.M).group(1)
#: requirements of the package that Colab does not ship, with the modules they import as
LACKING = {"fpdf2": "fpdf", "ziamath": "ziamath"}
#: what pip installs with them, from the same folder of wheels
DEPENDENCIES = ("ziafont", "latex2mathml")
STANDIN = {
    "drive.py": '''"""Stand-in for google.colab.drive: the Drive is already a folder; mount checks it is there."""
import os


def mount(mountpoint, force_remount=False, timeout_ms=120000, readonly=False):
    if not any(os.path.isdir(os.path.join(mountpoint, top)) for top in ("MyDrive", "My Drive")):
        raise ValueError(f"no Drive at {mountpoint}")
    print(f"Mounted at {mountpoint}")
''',
    "files.py": '''"""Stand-in for google.colab.files: download records the file it would send to the browser."""
import os


def download(filename):
    if not os.path.isfile(filename):
        raise FileNotFoundError(f"Cannot find file: {filename}")
    with open(os.environ["STANDIN_DOWNLOADS"], "a") as log:
        log.write(os.path.abspath(filename) + "\\n")
''',
    "__init__.py": '"""Stand-in for Colab\'s google.colab package."""\n',
}


def wheel_of(name, folder):
    """A wheel of the installed pure-Python distribution ``name``, repacked from its files (offline); its
    console scripts, outside the package's folder, are left out."""
    dist = importlib.metadata.distribution(name)
    path = folder / f"{dist.metadata['Name'].replace('-', '_')}-{dist.version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as z:
        for file in dist.files:
            if "__pycache__" not in file.parts and ".." not in file.parts and file.locate().is_file():
                z.write(file.locate(), file.as_posix())
    return path


def version_of(python):
    """The "3.x" version of the interpreter ``python``, or None where it does not run."""
    try:
        done = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def interpreters(minor):
    """Where a Python 3.``minor`` may be: python3.``minor`` on PATH, then pyenv's versions folder (newest first)."""
    yield shutil.which(f"python3.{minor}")
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = pyenv.glob(f"3.{minor}.*/bin/python3.{minor}")
    yield from sorted(found, key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)], reverse=True)


def colab_interpreter(wanted):
    """(path, "3.x") of this machine's Python closest to ``wanted`` (the older one on a tie), or None."""
    want = int(wanted.split(".")[1])
    for minor in sorted(range(8, 20), key=lambda m: (abs(m - want), m)):
        for python in interpreters(minor):
            if python and version_of(python) == f"3.{minor}":
                return str(python), f"3.{minor}"
    return None


def built_environment(python, version, pins, cache):
    """The Python of the environment built from ``pins`` with ``python``, in ``cache``/colab-<hash>: built once,
    under a lock, and reused while the pins file and the interpreter stay the same; building it removes
    the environments of earlier pins. Raises CalledProcessError where it cannot be built (no network to
    PyPI, no wheel for this Python)."""
    key = hashlib.sha256(pins.read_bytes() + os.path.realpath(python).encode() + version.encode()).hexdigest()[:12]
    folder = cache / f"colab-{key}"
    cache.mkdir(exist_ok=True)
    with open(cache / f"colab-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "built").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            subprocess.run([python, "-m", "venv", folder], check=True, capture_output=True, text=True)
            subprocess.run([folder / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "-r", pins], check=True, capture_output=True, text=True)
            (folder / "built").write_text(f"{pins.name} (sha256 {key}...) with Python {version}\n")
            for stale in cache.glob("colab-*"):                   # built from earlier pins or interpreters
                if not stale.name.startswith(folder.name):
                    shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    return folder / "bin" / "python"


def colab_environment_from(pins, cache):
    """The Python of the environment built from ``pins`` in ``cache``; where it cannot be built (or only with
    another Python than Colab's), skips locally and fails in CI. Locally, another Python is a warning."""
    wanted = pinned_python(pins)
    found = colab_interpreter(wanted)
    require(found is not None, f"no Python 3 found to build Colab's environment with (Colab runs {wanted})")
    python, version = found
    if version != wanted:
        require(not conftest.IN_CI, f"Colab runs Python {wanted}, which this machine lacks (pyenv install {wanted})")
        warnings.warn(f"Colab runs Python {wanted}, which this machine lacks: its stand-in uses Python {version}")
    try:
        return built_environment(python, version, pins, cache)
    except subprocess.CalledProcessError as exc:
        require(False, f"could not build Colab's environment from {pins.name} with Python {version}: "
                       + (exc.stdout + exc.stderr)[-3000:])


@pytest.fixture(scope="session")
def colab_environment():
    """The Python of the environment built from Colab's pins, kept in .venv/colab-<hash>."""
    return colab_environment_from(PINS, ROOT / ".venv")


def colab_python(tmp, environment):
    """A fresh environment on top of ``environment``: what pip installs into it stays in it."""
    env = tmp / "colab-python"
    subprocess.run([environment, "-m", "venv", "--without-pip", env], check=True, capture_output=True)
    python = env / "bin" / "python"
    site, pinned = (subprocess.run([p, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   capture_output=True, text=True, check=True).stdout.strip()
                    for p in (python, environment))
    (Path(site) / "colab_packages.pth").write_text(f"{pinned}\n")
    return python


def kernel(jupyter, python, env):
    """The folder ``jupyter``, holding the kernel spec "python3": ``python`` with the variables ``env``."""
    kernels = jupyter / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab stand-in", "language": "python", "env": env}))
    return jupyter


def make_colab(tmp, environment, top="MyDrive"):
    """A stand-in Colab, in ``tmp``, on ``environment``, whose Drive shows its top folder as ``top``: (the
    assignment's folder in the Drive, the kernel's folder, the downloads log, its Python, ...)."""
    drive = tmp / "drive"
    folder = drive / top / FOLDERNAME
    exercises = rel.release(folder)
    standin = tmp / "standin" / "google" / "colab"
    standin.mkdir(parents=True)
    for name, text in STANDIN.items():
        (standin / name).write_text(text)
    wheels = tmp / "wheels"
    wheels.mkdir()
    for name in (*LACKING, *DEPENDENCIES):
        wheel_of(name, wheels)
    python = colab_python(tmp, environment)
    content = tmp / "content"                                  # where Colab's kernel starts, outside the Drive
    content.mkdir()
    downloads = tmp / "downloads.txt"
    env = {"DRIVE_MOUNT": str(drive), "PYTHONPATH": str(tmp / "standin"), "STANDIN_DOWNLOADS": str(downloads),
           "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9", "no_proxy": ""}
    return {"folder": folder, "content": content, "downloads": downloads, "python": python,
            "jupyter": kernel(tmp / "jupyter", python, env), "exercises": exercises}


@pytest.fixture(scope="module")
def colab(tmp_path_factory, colab_environment):
    """The stand-in Colab that runs the notebooks, with the solution's files over the exercises."""
    runtime = make_colab(tmp_path_factory.mktemp("colab"), colab_environment)
    for path in runtime["exercises"]:
        shutil.copyfile(ROOT / path, runtime["folder"] / path)
    return runtime


def client(nb, runtime, monkeypatch):
    """A client that runs ``nb`` in the kernel of ``runtime``, started in its kernel folder."""
    from nbclient import NotebookClient
    monkeypatch.setenv("JUPYTER_PATH", str(runtime["jupyter"]))
    return NotebookClient(nb, timeout=None, kernel_name="python3",
                          resources={"metadata": {"path": str(runtime["content"])}})


def execute(nb, runtime, monkeypatch):
    client(nb, runtime, monkeypatch).execute()


def first_cell(folder):
    """The first code cell of the notebooks of the edition in ``folder``."""
    nb = nbformat.read(folder / "notebooks" / "softmax.ipynb", as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code")


def outputs_text(cell):
    return "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", []))


def squeeze(text):
    """Text without whitespace: a PDF's extracted text breaks lines where the page wraps them."""
    return re.sub(r"\s+", "", text)


def prose(markdown):
    """The runs of words of a markdown cell, without its math and markup: what its PDF text must hold."""
    text = re.sub(r"\$\$.+?\$\$|\$(?:[^$\n]|\n(?![ \t]*\n))+?\$", "\n", markdown, flags=re.S)
    runs = re.split(r"[*_`#\n]|\[|\]|\(http[^)]*\)", text)
    return [run.strip() for run in runs if len(run.split()) >= 3]


@pytest.fixture(scope="module")
def handed_in(colab, tmp_path_factory):
    """Run every notebook top to bottom and save it into the Drive; then hand in from a new kernel."""
    monkeypatch = pytest.MonkeyPatch()
    folder, timings = colab["folder"], {}
    notebooks = [p for p in submit.handin_files() if p.endswith(".ipynb")]
    try:
        for path in notebooks:
            nb = nbformat.read(folder / path, as_version=4)
            tic = time.perf_counter()
            execute(nb, colab, monkeypatch)
            timings[path] = time.perf_counter() - tic
            nbformat.write(nb, folder / path)                       # Colab saves it into the Drive
        saved = nbformat.read(folder / notebooks[-1], as_version=4)
        code = [c for c in saved.cells if c.cell_type == "code"]
        again = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code[0].source),
                                                nbformat.v4.new_code_cell(code[-1].source)])
        colab["downloads"].write_text("")
        execute(again, colab, monkeypatch)
    finally:
        monkeypatch.undo()
    print("\nstand-in Colab run: " + ", ".join(f"{p} {s:.0f} s" for p, s in timings.items()))
    return {"notebooks": notebooks, "again": again, "timings": timings}


def test_the_package_is_not_installed_in_colabs_python(colab):
    out = subprocess.run([colab["python"], "-c", "import numpy, matplotlib, ipykernel; import classifiers"],
                         cwd=colab["content"], capture_output=True, text=True)
    assert "No module named 'classifiers'" in out.stderr, out.stderr[-2000:]
    for module in LACKING.values():                                # what the first cell must install
        out = subprocess.run([colab["python"], "-c", f"import {module}"], capture_output=True, text=True)
        assert out.returncode != 0, module


def test_first_cell_mounts_installs_what_colab_lacks_and_falls_back_to_the_sample(colab, handed_in):
    folder = colab["folder"]
    first = nbformat.read(folder / handed_in["notebooks"][0], as_version=4)
    out = outputs_text(next(c for c in first.cells if c.cell_type == "code"))
    assert f"Mounted at {folder.parent.parent}" in out
    assert f"the assignment is in {folder}" in out
    assert re.search(r"installing what this runtime lacks: fpdf2>=[0-9.]+, ziamath>=[0-9.]+\n", out), out
    assert "the notebooks use the bundled sample of CIFAR-10 instead" in out
    later = nbformat.read(folder / handed_in["notebooks"][1], as_version=4)
    assert "installing" not in outputs_text(next(c for c in later.cells if c.cell_type == "code"))


def test_every_notebook_ran_to_the_end_with_its_checks_ok(colab, handed_in):
    for path in handed_in["notebooks"]:
        nb = nbformat.read(colab["folder"] / path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
        assert all(c.execution_count is not None for c in code), path
        checked = [outputs_text(c) for c in code if c.source.startswith("check(")]
        assert checked and all(o.startswith("[ok] ") and "[FAIL]" not in o and "not written yet" not in o
                               for o in checked), (path, checked)


def test_hand_in_leaves_zip_and_pdf_in_the_drive_and_offers_both(colab, handed_in):
    folder = colab["folder"]
    said = outputs_text(handed_in["again"].cells[-1])
    assert "Save every notebook (File > Save)" in said and "warning" not in said, said
    assert colab["downloads"].read_text().split("\n")[:2] == [str(folder / "submission.zip"),
                                                                str(folder / "submission.pdf")]
    with zipfile.ZipFile(folder / "submission.zip") as z:
        manifest = json.loads(z.read("MANIFEST.json"))
        assert sorted(z.namelist()) == sorted(["MANIFEST.json", *colab["exercises"]])
    assert manifest["warnings"] == []


def test_the_pdf_holds_every_question_answer_printed_line_and_figure(colab, handed_in):
    from pypdf import PdfReader
    folder = colab["folder"]
    reader = PdfReader(folder / "submission.pdf")
    text = squeeze("\n".join(page.extract_text() for page in reader.pages))
    sizes = sorted(image.image.size for page in reader.pages for image in page.images)
    with zipfile.ZipFile(folder / "submission.zip") as z:
        manifest = json.loads(z.read("MANIFEST.json"))
    for path, digest in manifest["files"].items():
        assert squeeze(f"{digest} {path}") in text
    missing, figures = [], []
    for path in handed_in["notebooks"]:
        nb = nbformat.read(folder / path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown" and (re.match(r"[#*\s]*inline question", cell.source, re.I)
                                                 or "answer" in cell.metadata.get("tags", [])):
                missing += [run for run in prose(cell.source) if squeeze(run) not in text]
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream":
                    missing += [line for line in out["text"].split("\n") if squeeze(line) not in text]
                if "image/png" in out.get("data", {}):
                    from PIL import Image
                    import base64
                    import io
                    figures.append(Image.open(io.BytesIO(base64.b64decode(out["data"]["image/png"]))).size)
    assert missing == []
    assert figures and all(sizes.count(size) >= figures.count(size) for size in figures), (figures, sizes)
    assert squeeze("[ok] softmax_loss_naive (classifiers/softmax.py)") in text


def test_colabs_python_has_colabs_versions(colab):
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", PINS.read_text(), re.M))
    out = subprocess.run([colab["python"], "-c", "import importlib.metadata as m, json, sys; print(json.dumps("
                          f"['%d.%d' % sys.version_info[:2], {{n: m.version(n) for n in {sorted(pins)!r}}}]))"],
                         capture_output=True, text=True, check=True)
    version, installed = json.loads(out.stdout)
    assert installed == pins and version == colab_interpreter(pinned_python(PINS))[1]


def make_local(tmp):
    """A local Jupyter on the edition in ``tmp``, as after `make venv` there: this environment's kernel, with the
    edition first on its path, started in notebooks/."""
    folder = tmp / "edition"
    rel.release(folder)
    return {"folder": folder, "content": folder / "notebooks",
            "jupyter": kernel(tmp / "jupyter", sys.executable, {"PYTHONPATH": str(folder)})}


EDITED = '''

def softmax_loss_naive(W, X, y, reg):
    return "edited", None
'''


@pytest.mark.parametrize("where", ["Colab", "local Jupyter"])
def test_an_edit_to_a_py_file_takes_effect_in_the_next_cell_without_a_restart(where, tmp_path, monkeypatch, request):
    """The student writes softmax_loss_naive in its file and runs the cell again: the kernel runs the new code,
    under the name the notebook imported and in its module, also after running the set-up twice. (Colab's
    IPython 7.34 autoreload imports imp, which Python 3.12 removed.)"""
    runtime = (make_colab(tmp_path, request.getfixturevalue("colab_environment")) if where == "Colab"
               else make_local(tmp_path))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in (
        first_cell(runtime["folder"]),
        "import numpy as np\nimport classifiers.softmax\nfrom classifiers.softmax import softmax_loss_naive\n"
        "W, X, y = np.zeros((3, 2)), np.ones((4, 3)), np.array([0, 1, 0, 1])\n"
        "try:\n    softmax_loss_naive(W, X, y, 0.0)\nexcept NotImplementedError:\n    print('not written yet')",
        "import sys\nprint(softmax_loss_naive(W, X, y, 0.0)[0],\n"
        "      classifiers.softmax.softmax_loss_naive(W, X, y, 0.0)[0],\n"
        "      'imp' in sys.modules and sys.modules['imp'].__spec__ is None)")])
    student_file = runtime["folder"] / "classifiers" / "softmax.py"
    run = client(nb, runtime, monkeypatch)
    with run.setup_kernel():
        run.execute_cell(nb.cells[0], 0)
        run.execute_cell(nb.cells[0], 0)                          # the set-up run again, as students do
        run.execute_cell(nb.cells[1], 1)
        student_file.write_text(student_file.read_text() + EDITED)
        later = student_file.stat().st_mtime + 2                 # newer, even where the clock counts in seconds
        os.utime(student_file, (later, later))
        run.execute_cell(nb.cells[2], 2)
    assert outputs_text(nb.cells[1]) == "not written yet\n"
    assert outputs_text(nb.cells[2]) == "edited edited False\n"      # False: no stand-in imp module left behind


def test_first_cell_finds_the_assignment_in_my_drive_as_cs231n_names_it(tmp_path, colab_environment, monkeypatch):
    """Colab shows the Drive as MyDrive; CS231n's notebooks (and older mounts) say "My Drive": either is found, and a
    folder in neither is an error naming both places."""
    from nbclient.exceptions import CellExecutionError
    runtime = make_colab(tmp_path, colab_environment, top="My Drive")
    first = first_cell(runtime["folder"])
    elsewhere = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        first.replace(f'FOLDERNAME = "{FOLDERNAME}"', 'FOLDERNAME = "cs231n/assignment1"'))])
    with pytest.raises(CellExecutionError) as error:
        execute(elsewhere, runtime, monkeypatch)
    drive = runtime["folder"].parent.parent
    assert "FileNotFoundError" in str(error.value)
    assert all(str(drive / top / "cs231n/assignment1") in str(error.value) for top in ("MyDrive", "My Drive"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(first)])
    execute(nb, runtime, monkeypatch)
    assert f"the assignment is in {runtime['folder']}" in outputs_text(nb.cells[0])


def fake_python(folder, name, version):
    """An executable ``folder``/``name`` that says it is Python ``version``, as version_of asks."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"#!/bin/sh\necho {version}\n")
    (folder / name).chmod(0o755)
    return folder / name


def test_colabs_python_is_found_on_the_path_or_in_pyenv_else_the_closest(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    fake_python(tmp_path / "bin", "python3.11", "3.11")
    fake_python(tmp_path / "bin", "python3.14", "3.14")
    assert colab_interpreter("3.13") == (str(tmp_path / "bin" / "python3.14"), "3.14")
    older = fake_python(tmp_path / "bin", "python3.12", "3.12")
    assert colab_interpreter("3.13") == (str(older), "3.12")                     # the older one on a tie
    fake_python(tmp_path / "bin", "python3.13", "pyenv: python3.13: command not found")   # a pyenv shim
    for patch in ("3.13.0", "3.13.10", "3.13.2"):
        fake_python(tmp_path / "pyenv" / "versions" / patch / "bin", "python3.13", "3.13")
    assert colab_interpreter("3.13") == (str(tmp_path / "pyenv/versions/3.13.10/bin/python3.13"), "3.13")


@pytest.mark.parametrize("ci", [False, True])
def test_colabs_environment_skips_locally_and_fails_in_ci_where_it_cannot_be_built(ci, tmp_path, monkeypatch):
    monkeypatch.setattr(conftest, "IN_CI", ci)
    pins = tmp_path / "requirements.txt"
    pins.write_text(f"# python: {pinned_python(PINS)}\nno-such-distribution-here==1.0\n")
    with pytest.raises((pytest.fail.Exception, pytest.skip.Exception),
                       match="could not build Colab's environment from requirements.txt with Python 3.*"
                             "no-such-distribution-here") as stopped:
        colab_environment_from(pins, tmp_path / "cache")
    assert stopped.type is (pytest.fail.Exception if ci else pytest.skip.Exception)
    pins.write_text("# python: 3.99\n")                                         # a Python no machine has
    if ci:
        with pytest.raises((pytest.fail.Exception, pytest.skip.Exception), match="Colab runs Python 3.99, which this "
                           "machine lacks") as stopped:
            colab_environment_from(pins, tmp_path / "cache")
        assert stopped.type is pytest.fail.Exception
    else:
        with pytest.warns(UserWarning, match="Colab runs Python 3.99, which this machine lacks: its stand-in uses"):
            colab_environment_from(pins, tmp_path / "cache")


def test_colabs_environment_is_built_once_and_replaces_those_of_earlier_pins(tmp_path):
    cache = tmp_path / "cache"
    (cache / "colab-0123456789ab").mkdir(parents=True)                             # from earlier pins
    (cache / "colab-0123456789ab.lock").write_text("")
    pins = tmp_path / "requirements.txt"
    pins.write_text(f"# python: {pinned_python(PINS)}\n")
    python = colab_environment_from(pins, cache)
    assert sorted(p.name for p in cache.iterdir()) == [python.parent.parent.name, python.parent.parent.name + ".lock"]
    (python.parent.parent / "marker").write_text("")
    assert colab_environment_from(pins, cache) == python and (python.parent.parent / "marker").exists()
