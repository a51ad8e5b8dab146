"""The student edition run as Google Colab runs it, from upload to hand-in, without Colab.

- Colab's Python: a fresh virtual environment that sees the packages of this test environment
  (what Colab ships: numpy, matplotlib, ipykernel, ...) through a .pth file naming a folder of links
  to them, without fpdf2 and ziamath (Colab lacks them) and without this checkout's editable install: the package
  is not installed, and there is no make.
- Google Drive: a temporary folder with "My Drive/assignment1" in it, holding the edition with the
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
"""
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import venv
import zipfile
from pathlib import Path

import nbformat
import pytest

from checks import submit

from conftest import ROOT
from instructor import release as rel

pytestmark = pytest.mark.slow

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
    if not os.path.isdir(os.path.join(mountpoint, "My Drive")):
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


def colab_python(tmp):
    """A Python with this environment's packages but the one Colab lacks, and the package not installed."""
    shipped = tmp / "colab-packages"
    shipped.mkdir()
    hidden = {f.parts[0] for name in (*LACKING, *DEPENDENCIES) for f in importlib.metadata.distribution(name).files}
    for site in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        for entry in sorted(os.listdir(site)):
            if entry in hidden or entry.endswith(".pth") or "editable" in entry or entry.startswith("softmax_"):
                continue                                      # fpdf2, ziamath, and this checkout's editable install
            if not (shipped / entry).exists():
                (shipped / entry).symlink_to(os.path.join(site, entry))
    env = tmp / "colab-python"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "colab_packages.pth").write_text(f"{shipped}\n")
    return python


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """(Drive folder of the assignment, kernel folder, downloads log, environment) of the stand-in Colab."""
    tmp = tmp_path_factory.mktemp("colab")
    drive = tmp / "drive"
    folder = drive / "My Drive" / FOLDERNAME
    exercises = rel.release(folder)
    for path in exercises:                                     # the exercises filled in
        shutil.copyfile(ROOT / path, folder / path)
    standin = tmp / "standin" / "google" / "colab"
    standin.mkdir(parents=True)
    for name, text in STANDIN.items():
        (standin / name).write_text(text)
    wheels = tmp / "wheels"
    wheels.mkdir()
    for name in (*LACKING, *DEPENDENCIES):
        wheel_of(name, wheels)
    python = colab_python(tmp)
    content = tmp / "content"                                  # where Colab's kernel starts, outside the Drive
    content.mkdir()
    downloads = tmp / "downloads.txt"
    env = {"DRIVE_MOUNT": str(drive), "PYTHONPATH": str(tmp / "standin"), "STANDIN_DOWNLOADS": str(downloads),
           "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9", "no_proxy": ""}
    kernels = tmp / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab stand-in", "language": "python", "env": env}))
    return {"folder": folder, "content": content, "downloads": downloads, "python": python,
            "jupyter": tmp / "jupyter", "exercises": exercises}


def execute(nb, colab, monkeypatch):
    from nbclient import NotebookClient
    monkeypatch.setenv("JUPYTER_PATH", str(colab["jupyter"]))
    NotebookClient(nb, timeout=None, kernel_name="python3",
                   resources={"metadata": {"path": str(colab["content"])}}).execute()


def outputs_text(cell):
    return "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", []))


def squeeze(text):
    """Text without whitespace: a PDF's extracted text breaks lines where the page wraps them."""
    return re.sub(r"\s+", "", text)


def prose(markdown):
    """The runs of words of a markdown cell, without its math and markup: what its PDF text must hold."""
    text = re.sub(r"\$\$.+?\$\$|\$[^$\n]+\$", "\n", markdown, flags=re.S)
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
