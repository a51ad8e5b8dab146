"""What the notebooks' cells call (assignment_checks/workspace.py): the set-up, a check, the hand-in."""
import importlib
import json
import os
import re
import sys
import types
import zipfile

import pytest

import cifar10_data
from assignment_checks import workspace
from assignment_checks.__main__ import main as checks_main
from classifiers import linear_svm, softmax
from conftest import ROOT


def not_written(*args, **kwargs):
    raise NotImplementedError("softmax_loss_naive is not written yet: open classifiers/softmax.py")


def crashes(W, X, y, reg):
    return W[len(W) + 5], None                       # an IndexError in the "student's" code


@pytest.fixture()
def colab(monkeypatch):
    """A stand-in google.colab imported, as the first cell imports it on Colab; downloads recorded."""
    downloaded = []
    package = types.ModuleType("google.colab")
    package.files = types.SimpleNamespace(download=downloaded.append)
    monkeypatch.setitem(sys.modules, "google.colab", package)
    return downloaded


@pytest.mark.parametrize("name, verdict", [("softmax_loss_", "[not written yet] softmax_loss_naive"),
                                           ("svm_loss_naive", "[FAIL] svm_loss_naive")])
def test_check_prints_what_make_check_prints(monkeypatch, capsys, name, verdict):
    monkeypatch.setattr(softmax, "softmax_loss_naive", not_written)
    monkeypatch.setattr(linear_svm, "svm_loss_naive", crashes)
    checks_main([name])
    expected = capsys.readouterr().out
    assert workspace.check(name) is None                   # neither "not written yet" nor FAIL raises
    said = capsys.readouterr().out
    assert verdict in said and expected.startswith(said)   # the same reports; make check adds its count
    assert re.fullmatch(r"\n\d+ exercises? in \d+ files?: \d+ ok, \d+ failed, \d+ not written yet\n", expected[len(said):]), \
        expected


def test_check_names_the_students_line_from_any_working_folder(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(linear_svm, "svm_loss_naive", crashes)
    monkeypatch.chdir(tmp_path)                            # a notebook's kernel runs in notebooks/, Colab's in /content
    workspace.check("svm_loss_naive")
    said = capsys.readouterr().out
    assert "your code raised IndexError" in said and "(at tests/test_workspace.py:" in said, said
    assert os.getcwd() == str(tmp_path)


def test_check_refuses_a_name_that_is_no_exercise():
    with pytest.raises(ValueError, match=r"got 'softmax_los_naive'; the exercises are: KNearestNeighbor.compute_distances_two_loops, "):
        workspace.check("softmax_los_naive")
    with pytest.raises(TypeError, match=r"name must be an exercise's name as a non-empty str, got 3"):
        workspace.check(3)


def test_missing_requirements_are_the_absent_and_the_too_old():
    assert workspace.missing(["numpy>=1.0", "numpy>=999", "no-such-distribution-here>=1", "pytest"]) == [
        "numpy>=999", "no-such-distribution-here>=1"]


def test_requirements_are_setup_cfgs_install_requires(tmp_path):
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n\n[options]\ninstall_requires =\n    numpy>=1.22\n"
                                        "    fpdf2>=2.8\n\n[options.extras_require]\ntest =\n    pytest\n")
    assert workspace.requirements(tmp_path) == ["numpy>=1.22", "fpdf2>=2.8"]
    assert "fpdf2>=2.8" in workspace.requirements()          # this package's own: the PDF library is one


def test_install_says_what_pip_could_not_install(monkeypatch):
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    with pytest.raises(RuntimeError, match=r"pip could not install no-such-distribution-here:"):
        workspace.install(["no-such-distribution-here"])


def test_setup_does_nothing_outside_colab(monkeypatch, capsys, tmp_path):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(workspace, "install", lambda reqs: pytest.fail("installed outside Colab"))
    assert workspace.setup() is None
    assert capsys.readouterr().out == "" and os.getcwd() == str(tmp_path)


class Shell:
    """A stand-in IPython shell whose autoreload extension imports ``imp`` at load, as IPython 7.34's does."""

    def __init__(self):
        self.extension_manager, self.loaded, self.magics = self, [], []

    def load_extension(self, name):
        import imp                                       # noqa: F401  (ModuleNotFoundError on Python 3.12+)
        self.loaded.append((name, sys.modules["imp"].reload))

    def run_line_magic(self, name, line):
        self.magics.append((name, line))


class Hidden:
    """A meta path finder that finds no module ``imp``, as on Python 3.12 and later."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "imp":
            raise ModuleNotFoundError("No module named 'imp'", name="imp")
        return None


def test_autoreload_loads_ipythons_autoreload_lending_imp_only_to_it(monkeypatch):
    shell = Shell()
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    monkeypatch.delitem(sys.modules, "imp", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Hidden] + sys.meta_path)
    workspace.autoreload()
    assert shell.loaded == [("autoreload", importlib.reload)] and shell.magics == [("autoreload", "2")]
    assert "imp" not in sys.modules


def test_autoreload_raises_what_else_stops_the_extension(monkeypatch):
    def broken(name):
        import no_such_module_here                       # noqa: F401
    shell = Shell()
    shell.load_extension = broken
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    with pytest.raises(ModuleNotFoundError, match="no_such_module_here"):
        workspace.autoreload()
    assert "imp" not in sys.modules or sys.modules["imp"].__spec__ is not None


def test_autoreload_does_nothing_outside_ipython(monkeypatch):
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: None))
    assert workspace.autoreload() is None
    monkeypatch.delitem(sys.modules, "IPython")
    assert workspace.autoreload() is None


def test_setup_on_colab_installs_what_lacks_gets_data_and_moves_to_the_notebooks(monkeypatch, colab, capsys,
                                                                                  tmp_path):
    monkeypatch.chdir(tmp_path)                             # Colab's kernel starts in /content
    installed, fetched = [], []
    monkeypatch.setattr(workspace, "requirements", lambda: ["numpy>=1.0", "no-such-distribution-here>=1"])
    monkeypatch.setattr(workspace, "install", installed.append)
    monkeypatch.setattr(workspace, "get_data", lambda: fetched.append(True))
    workspace.setup()
    assert installed == [["no-such-distribution-here>=1"]] and fetched == [True]
    assert os.getcwd() == str(ROOT / "notebooks")
    assert capsys.readouterr().out == f"the assignment is in {ROOT}\n"


def test_get_data_downloads_once_and_falls_back_to_the_sample(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(cifar10_data, "has_full_data", lambda: True)
    monkeypatch.setattr(cifar10_data, "download_CIFAR10", calls.append)
    workspace.get_data()
    assert calls == [] and "CIFAR-10 is in" in capsys.readouterr().out

    def offline(root):
        raise cifar10_data.DownloadError("could not download CIFAR-10 from U (no network). Without network: copy it")
    monkeypatch.setattr(cifar10_data, "has_full_data", lambda: False)
    monkeypatch.setattr(cifar10_data, "download_CIFAR10", offline)
    workspace.get_data()
    assert capsys.readouterr().out == ("notice: could not download CIFAR-10 from U (no network); the notebooks "
                                       "use the bundled sample of CIFAR-10 instead\n")


@pytest.fixture()
def handin(monkeypatch):
    """The hand-in list, a short one for these tests; returns the function that sets it."""
    from assignment_checks import submit

    def set_files(*files):
        monkeypatch.setattr(submit, "handin_files", lambda: list(files))
    set_files("classifiers/softmax.py", "notebooks/a.ipynb")
    return set_files


def student(tmp_path):
    (tmp_path / "classifiers").mkdir()
    (tmp_path / "classifiers/softmax.py").write_text("def f():\n    return 1\n")
    (tmp_path / "notebooks").mkdir()
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [], "execution_count": 1},
                    {"cell_type": "code", "metadata": {}, "source": "hand_in()", "outputs": [],
                     "execution_count": None}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "notebooks/a.ipynb").write_text(json.dumps(nb))
    return tmp_path


def test_hand_in_writes_zip_and_pdf_and_offers_both_on_colab(colab, capsys, tmp_path, handin):
    root = student(tmp_path)
    workspace.hand_in(root)
    said = capsys.readouterr().out
    assert said.startswith("Save every notebook (File > Save) before handing in")
    assert f"wrote submission.zip (2 files) and submission.pdf (2 pages) in {root}\nhand in both files\n" in said
    assert colab == [str(root / "submission.zip"), str(root / "submission.pdf")]
    with zipfile.ZipFile(root / "submission.zip") as z:
        assert json.loads(z.read("MANIFEST.json"))["warnings"] == []     # the unrun hand-in cell is no warning


def test_hand_in_outside_colab_downloads_nothing(monkeypatch, tmp_path, capsys, handin):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    root = student(tmp_path)
    workspace.hand_in(root)
    assert (root / "submission.pdf").is_file() and (root / "submission.zip").is_file()


def test_the_pdf_shows_the_notebooks_in_the_hand_in_order(tmp_path, handin):
    from pypdf import PdfReader
    from assignment_checks import submit
    root = student(tmp_path)
    (root / "notebooks/b.ipynb").write_text((root / "notebooks/a.ipynb").read_text())
    handin("notebooks/b.ipynb", "notebooks/a.ipynb")
    _, manifest = submit.build(root)
    out, pages = submit.build_pdf(root, manifest, [])
    assert [item.title for item in PdfReader(out).outline] == ["notebooks/b.ipynb", "notebooks/a.ipynb"]


def test_a_failed_pdf_leaves_the_earlier_one_whole(monkeypatch, tmp_path, handin):
    from assignment_checks import submit
    root = student(tmp_path)
    submit.submit(root)
    before = (root / "submission.pdf").read_bytes()
    nb = json.loads((root / "notebooks/a.ipynb").read_text())
    nb["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "A new answer."})
    (root / "notebooks/a.ipynb").write_text(json.dumps(nb))
    _, manifest = submit.build(root)

    def full(*args):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", full)           # the last step of an atomic write: the new file is complete
    with pytest.raises(OSError, match="disk full"):
        submit.build_pdf(root, manifest, [])
    assert (root / "submission.pdf").read_bytes() == before
    assert sorted(p.name for p in root.iterdir()) == ["classifiers", "notebooks", "submission.pdf", "submission.zip"]


def test_hand_in_warns_about_a_check_that_does_not_pass(monkeypatch, colab, capsys, tmp_path, handin):
    monkeypatch.setattr(softmax, "softmax_loss_naive", not_written)
    workspace.hand_in(student(tmp_path))
    said = capsys.readouterr().out
    assert "warning: [not written yet] softmax_loss_naive (classifiers/softmax.py)\n" in said
    assert said.endswith("hand in both files after fixing the warnings above\n")
