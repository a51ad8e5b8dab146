"""assignment_checks/submit.py (make submit): the zip holds the files the exercises are written in, in the order a
student works, with MANIFEST.json and the warnings; data never goes in; the zip is written atomically."""
import hashlib
import json
import os
import zipfile

import pytest

from assignment_checks import submit
from assignment_checks.exercises import EXERCISES
from test_checks import answer, code, heading, notebook


def ran(source, error=False):
    cell = code(source)
    if error:
        cell["outputs"] = [{"output_type": "error", "ename": "ValueError", "evalue": "", "traceback": []}]
    return cell


def unrun(source):
    return dict(code(source), execution_count=None)


@pytest.fixture()
def student(tmp_path):
    """A student's repository: an edited file, two notebooks, data; the other exercise files missing."""
    (tmp_path / "classifiers").mkdir()
    (tmp_path / "classifiers/softmax.py").write_text("def f():\n    return 1\n")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks/softmax.ipynb").write_text(notebook([ran("x = 1"), answer("Because.")]))
    (tmp_path / "notebooks/cross_entropy.ipynb").write_text(notebook([
        unrun("x = 1"), heading("### Inline question 2"), answer("*Your answer:*")]))
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets/data_batch_1").write_bytes(b"\0" * 1000)
    return tmp_path


def test_the_hand_in_list_is_the_exercises_files_in_the_order_a_student_works():
    assert submit.handin_files() == list(dict.fromkeys(e.path for e in EXERCISES))
    assert submit.handin_files()[0] == "classifiers/k_nearest_neighbor.py"    # kNN comes first, as in CS231n
    assert submit.handin_files().index("notebooks/softmax.ipynb") < submit.handin_files().index(
        "notebooks/cross_entropy.ipynb")


def test_submit_writes_files_and_manifest_without_data(student):
    out, manifest = submit.build(student)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        stored = json.loads(z.read("MANIFEST.json"))
        contents = {n: z.read(n) for n in names}
    assert names == ["MANIFEST.json", "classifiers/softmax.py", "notebooks/cross_entropy.ipynb",
                     "notebooks/softmax.ipynb"]
    assert stored == manifest
    assert manifest["files"] == {n: hashlib.sha256(contents[n]).hexdigest() for n in names if n != "MANIFEST.json"}
    assert "classifiers/linear_svm.py is missing: it is not in the submission" in manifest["warnings"]


def test_submit_warns_about_unrun_notebooks_and_empty_answers(student):
    (student / "notebooks/softmax.ipynb").write_text(notebook([
        ran("x = 1"), heading("## Data"), unrun("w = 0"), heading("## Training"), ran("z", error=True),
        heading("## Search"), unrun("y = 2"), answer("Because.")]))
    _, manifest = submit.build(student)
    notes = [w for w in manifest["warnings"] if w.startswith(("notebooks/softmax", "notebooks/cross_entropy"))]
    assert notes == [
        'notebooks/softmax.ipynb was not run to the end: the code under "Data" has not run',
        'notebooks/softmax.ipynb: the code under "Training" stopped with an error, so the cells after it did not '
        'run: fix it and run the notebook again',
        "notebooks/cross_entropy.ipynb was not run: run it top to bottom (Kernel > Restart & Run All; on Colab, "
        "Runtime > Run all) and save it",
        "notebooks/cross_entropy.ipynb: Inline question 2 has no answer yet",
    ]


def test_a_cell_that_stopped_with_an_error_is_one_warning_with_the_cells_it_kept_from_running(student):
    """Restart & Run All stopped at an error: the cells after it, under the same heading or later ones, did not
    run because of it. Before, one warning said "has not run" and the next "stopped with an error" of the
    same failure."""
    (student / "notebooks/softmax.ipynb").write_text(notebook([
        ran("x = 1"), heading("## Training"), ran("z", error=True), unrun("t = 1"), heading("## Search"),
        unrun("y = 2"), answer("Because.")]))
    _, manifest = submit.build(student)
    assert [w for w in manifest["warnings"] if w.startswith("notebooks/softmax")] == [
        'notebooks/softmax.ipynb: the code under "Training" stopped with an error, so the cells after it did not '
        'run: fix it and run the notebook again']


def test_the_hand_in_section_is_no_question_and_an_answer_of_blanks_is_none(student):
    """The hand-in section says "with your answers": before, it counted as an inline question (answered, from
    its own text). An answer of blank characters is not answered."""
    (student / "notebooks/softmax.ipynb").write_text(notebook([
        ran("x = 1"), heading("### Inline question 1\n\nWhy?"), answer("\u2800\u3164 \u200b**$\\quad$**"),
        heading("## Hand in\n\nRun the cell below: it writes the notebooks with your answers, for the graders."),
        unrun("hand_in()")]))
    _, manifest = submit.build(student)
    assert [w for w in manifest["warnings"] if w.startswith("notebooks/softmax")] == [
        "notebooks/softmax.ipynb: Inline question 1 has no answer yet"]


def test_submit_warns_about_a_file_that_does_not_compile(student):
    (student / "classifiers/softmax.py").write_text("def f():\n    return 1\n\ndef g(:\n    pass\n")
    _, manifest = submit.build(student)
    assert "classifiers/softmax.py does not compile (SyntaxError at line 4: invalid syntax): fix it, " \
           "or the grader cannot run any of it" in manifest["warnings"]


def test_submission_zip_gets_ordinary_permissions(student):
    out, _ = submit.build(student)
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_submit_is_deterministic_and_never_half_overwrites(student, monkeypatch):
    first = submit.build(student)[0].read_bytes()
    assert submit.build(student)[0].read_bytes() == first
    with zipfile.ZipFile(student / "submission.zip") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken)
    with pytest.raises(OSError, match="disk full"):
        submit.build(student)
    assert (student / "submission.zip").read_bytes() == first
    assert sorted(p.name for p in student.iterdir()) == ["classifiers", "datasets", "notebooks", "submission.zip"]
