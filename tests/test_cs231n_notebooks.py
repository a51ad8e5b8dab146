"""CS231n's own assignment-1 notebooks, run top to bottom on this package as their ``cs231n`` backend.

Their files are CS231n's and are not in this repository. Point CS231N_ASSIGNMENT1 at CS231n 2025's
``assignment1_colab.zip`` (github.com/cs231n/cs231n.github.io, ``assignments/2025/``) or at the folder it
unzips to; without it the runs skip, in CI too (CI has no network to fetch it), and only the fill-ins'
form and the runner are tested. Each notebook's fill-ins live in ``tests/cs231n_notebooks/<stem>.py``:

- NOTEBOOK: its file name in the assignment;
- EDITS: pairs (a text found in exactly one code cell, the code that cell becomes): CS231n's Colab
  cell emptied, the cells a student writes filled in;
- EXPECT: regular expressions its printed output must match (the figures its checks print, in the
  tolerances it states).

The notebook runs in a folder without a ``cs231n`` package of its own, so ``import cs231n`` finds this
package's; ``cs231n/datasets/cifar-10-batches-py``, where CS231n's notebooks load the data from, links
to the full CIFAR-10.
"""
import importlib.util
import os
import re
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, run_notebook

FILLS = sorted((ROOT / "tests" / "cs231n_notebooks").glob("*.py"))
ASSIGNMENT = os.environ.get("CS231N_ASSIGNMENT1")


def load_fill(path):
    """The fill-in module at ``path``: its NOTEBOOK, EDITS and EXPECT."""
    spec = importlib.util.spec_from_file_location(f"cs231n_fill_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def filled(nb, edits):
    """``nb`` with each edit applied: the one code cell holding the text becomes the code.

    Raises ValueError naming the text when no code cell or more than one holds it (the notebook
    changed, or the text is not specific enough)."""
    for text, code in edits:
        cells = [c for c in nb.cells if c.cell_type == "code" and text in c.source]
        if len(cells) != 1:
            raise ValueError(f"{len(cells)} code cells hold {text!r}; an edit must name exactly one")
        cells[0].source = code
    return nb


def printed(nb):
    """Everything the executed notebook's code cells printed or displayed as text."""
    return "\n".join("".join(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def notebook_source(assignment, name):
    """The text of notebook ``name`` of the assignment (a zip, or the folder it unzips to)."""
    assignment = Path(assignment)
    if assignment.is_dir():
        found = sorted(assignment.rglob(name))
        if not found:
            raise FileNotFoundError(f"no {name} under {assignment}")
        return found[0].read_text(encoding="utf-8")
    with zipfile.ZipFile(assignment) as archive:
        members = [m for m in archive.namelist() if m.rsplit("/", 1)[-1] == name]
        if not members:
            raise FileNotFoundError(f"no {name} in {assignment}")
        return archive.read(members[0]).decode("utf-8")


@pytest.mark.parametrize("path", FILLS, ids=lambda p: p.stem)
def test_a_fill_in_names_a_notebook_its_edits_and_what_it_must_print(path):
    fill = load_fill(path)
    assert fill.NOTEBOOK.endswith(".ipynb") and Path(fill.NOTEBOOK).stem == path.stem
    assert fill.EDITS and all(isinstance(t, str) and t and isinstance(c, str) for t, c in fill.EDITS)
    assert any("drive.mount(" in t for t, _ in fill.EDITS), "CS231n's Colab cell must be emptied"
    assert fill.EXPECT and all(re.compile(p) for p in fill.EXPECT)


def test_an_edit_must_name_exactly_one_cell():
    cells = [nbformat.v4.new_code_cell(s) for s in ("x = 1  # TODO", "y = 2  # TODO", "z = 3")]
    nb = filled(nbformat.v4.new_notebook(cells=cells), [("z = ", "z = 4")])
    assert [c.source for c in nb.cells] == ["x = 1  # TODO", "y = 2  # TODO", "z = 4"]
    with pytest.raises(ValueError, match=r"2 code cells hold '# TODO'"):
        filled(nb, [("# TODO", "")])
    with pytest.raises(ValueError, match=r"0 code cells hold 'w = '"):
        filled(nb, [("w = ", "")])


def test_the_notebook_is_read_from_the_zip_or_its_folder(tmp_path):
    nb = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")]))
    (tmp_path / "assignment1").mkdir()
    (tmp_path / "assignment1" / "knn.ipynb").write_text(nb, encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "a1.zip", "w") as archive:
        archive.writestr("assignment1/knn.ipynb", nb)
    assert notebook_source(tmp_path / "a1.zip", "knn.ipynb") == nb == notebook_source(tmp_path, "knn.ipynb")
    with pytest.raises(FileNotFoundError, match="no svm.ipynb in"):
        notebook_source(tmp_path / "a1.zip", "svm.ipynb")


@pytest.mark.slow
@pytest.mark.parametrize("path", FILLS, ids=lambda p: p.stem)
def test_cs231n_notebook_runs_on_this_package(path, cifar10_dir, kernel_env, monkeypatch, tmp_path):
    if not ASSIGNMENT:
        pytest.skip("CS231N_ASSIGNMENT1 is not set: point it at CS231n 2025's assignment1_colab.zip")
    fill = load_fill(path)
    nb = filled(nbformat.reads(notebook_source(ASSIGNMENT, fill.NOTEBOOK), as_version=4), fill.EDITS)
    data = tmp_path / "cs231n" / "datasets"
    data.mkdir(parents=True)
    (data / "cifar-10-batches-py").symlink_to(cifar10_dir)
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_env))
    run_notebook(nb, tmp_path)
    out = printed(nb)
    missing = [p for p in fill.EXPECT if not re.search(p, out)]
    assert not missing, f"{fill.NOTEBOOK} did not print {missing}; it printed:\n{out[-4000:]}"
