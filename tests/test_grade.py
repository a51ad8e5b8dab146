"""python -m instructor grade: full marks for this repository, zero for the untouched edition, old CS231n
files graded as they are, a gradebook, results.json, the answers report, and the parts that do not apply.
(tests/test_diagnoses.py checks the mistake named for each buggy submission.)"""
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from assignment_checks.exercises import EXERCISES
from conftest import CS231N_TOTAL, TOTAL
from instructor import grade, markers, sandbox

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
VEC = "softmax_loss_vectorized"


def failures(result):
    return {t["name"]: t["output"] for t in result["tests"] if t["score"] != t["max_score"]}


def test_this_repository_gets_full_marks(tmp_path):
    out = tmp_path / "results.json"
    assert grade.main([str(ROOT), "--json", str(out), "--quiet"]) == 0
    results = json.loads(out.read_text())
    assert failures(results) == {}
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) == TOTAL
    graded = {t["name"].split(": ")[0] for t in results["tests"] if t["max_score"]}
    assert graded == {e.name for e in EXERCISES if not e.manual}


def test_untouched_student_edition_scores_zero_on_every_exercise(tmp_path):
    """The solution's files with every region cut out, as the release writes them."""
    for path in {e.path for e in EXERCISES if e.module}:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(markers.strip_python((ROOT / path).read_text(), path)[0])
    result = grade.grade_one(tmp_path, grade.Options())
    scored = [t for t in result["tests"] if t["max_score"] > 0]
    assert sum(t["max_score"] for t in scored) == TOTAL        # the notebook cell: not submitted
    assert all(t["score"] == 0 for t in scored)
    assert all("not written yet" in t["output"] or "not submitted" in t["output"] for t in scored), \
        [t["output"] for t in scored]


def test_a_partial_submission_gets_one_feedback_line_per_exercise_not_started(tmp_path):
    """softmax.py written, every other file as released: each exercise not written is one line of
    feedback (it was one per test, 48 lines), its tests still one each in results.json, scores unchanged."""
    for path in {e.path for e in EXERCISES if e.module}:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        text = (ROOT / path).read_text()
        (tmp_path / path).write_text(text if path == "classifiers/softmax.py" else markers.strip_python(text, path)[0])
    result = grade.grade_one(tmp_path, grade.Options())
    written = [e for e in EXERCISES if e.path == "classifiers/softmax.py"]
    assert result["score"] == sum(e.points for e in written)
    assert len(result["tests"]) == sum(len(e.properties) for e in EXERCISES if not e.manual)
    lines = grade.summary(result).splitlines()[1:]
    unwritten = [e for e in EXERCISES if e.module and e not in written]
    for exercise in unwritten:
        mine = [line for line in lines if line.startswith((f"  - {exercise.name}: ", f"  - {exercise.name}, "))]
        assert len(mine) == 1 and "not written yet" in mine[0], (exercise.name, lines)
    assert len(lines) == len(unwritten) + 1, lines                # and the notebook cell: not submitted
    assert "  - svm_loss_naive, 9 tests (0/11): not written yet (NotImplementedError: svm_loss_naive is not " \
           "written yet: open classifiers/linear_svm.py)" in lines


@pytest.mark.slow
def test_released_edition_scores_zero_exactly_on_its_unwritten_exercises(tmp_path):
    """`make submit` of an untouched edition: every graded exercise is unwritten, and scores 0."""
    from assignment_checks import submit
    from instructor import release
    edition = tmp_path / "edition"
    release.release(edition)
    zip_path = tmp_path / "submission.zip"
    submit.build(edition, zip_path)
    result = grade.grade_one(zip_path, grade.Options())
    scored = [t for t in result["tests"] if t["max_score"] > 0]
    assert sum(t["max_score"] for t in scored) == TOTAL and all(t["score"] == 0 for t in scored)
    assert all("is not written yet" in t["output"] for t in scored), [t["output"] for t in scored]


def test_old_cs231n_layout_graded_with_shims_named():
    result = grade.grade_one(SUBMISSIONS / "cs231n_old", grade.Options(layout="cs231n"))
    assert failures(result) == {}
    assert result["score"] == sum(t["max_score"] for t in result["tests"]) == CS231N_TOTAL
    assert "CS231n's assignment layout" in result["output"]
    naive = next(t for t in result["tests"] if t["name"] == "softmax_loss_naive: loss value")["output"]
    assert "past.builtins" in naive and "np.float" in naive
    svm = next(t for t in result["tests"] if t["name"] == "svm_loss_naive: loss value")["output"]
    assert "xrange (= range)" in svm and "past.builtins" not in svm
    names = {t["name"].split(":")[0] for t in result["tests"]}       # what CS231n's assignment lacks costs nothing
    assert not names & {e.name for e in EXERCISES if not e.cs231n}


NETWORKS = {"relu_forward", "TwoLayerNet.loss", "FullyConnectedNet.loss"}


@pytest.mark.parametrize("layout", ["cs231n", "package"])
def test_a_network_is_built_on_the_submitted_layers(tmp_path, layout):
    """CS231n's fc_net.py imports ``from ..layers import *`` and ``from ..layer_utils import *``: the child
    gives it the submission's own files, in CS231n's layout (cs231n/layers.py) as in this package's
    (classifiers/layers.py). A ReLU that keeps negative values costs the networks built on it too, and the
    layers' file is the submission's: the solution's layers would have given the networks full marks."""
    source = SUBMISSIONS / "cs231n_old" / "cs231n"
    top, net = (tmp_path / "cs231n", tmp_path / "cs231n" / "classifiers") if layout == "cs231n" else (
        tmp_path / "classifiers", tmp_path / "classifiers")
    net.mkdir(parents=True, exist_ok=True)
    (net / "fc_net.py").write_bytes((source / "classifiers" / "fc_net.py").read_bytes())
    (top / "layer_utils.py").write_bytes((source / "layer_utils.py").read_bytes())
    layers = (source / "layers.py").read_text()
    assert "out = np.maximum(0, x)" in layers
    (top / "layers.py").write_text(layers.replace("out = np.maximum(0, x)", "out = np.abs(x)"))
    result = grade.grade_one(tmp_path, grade.Options(layout=layout), only=NETWORKS | {"relu_backward"})
    lost = {name.split(":")[0] for name in failures(result)}
    assert lost == NETWORKS, failures(result)
    assert not any("imported" in why or "not written" in why for why in failures(result).values()), result
    (top / "layers.py").write_text(layers)
    assert failures(grade.grade_one(tmp_path, grade.Options(layout=layout), only=NETWORKS)) == {}


#: CS231n's network files of cs231n_old, which hostile_smaller_assignment submits too (kept once, here)
NETWORK_FILES = ["cs231n/layers.py", "cs231n/layer_utils.py", "cs231n/optim.py", "cs231n/classifiers/fc_net.py"]


@pytest.mark.parametrize("fixture", ["cs231n_old", "hostile_smaller_assignment"])
def test_the_maximum_is_the_assignments_whatever_the_layout(tmp_path, fixture, capsys):
    """CS231n's layout, or this package's with one file moved into cs231n/classifiers/: the
    exercises they lack score 0, saying they were not found, unless the instructor grades CS231n's
    assignment (--layout cs231n). Before, the submission's layout chose: the fixture got "51 / 51"."""
    submitted = tmp_path / fixture
    shutil.copytree(SUBMISSIONS / fixture, submitted)
    for name in NETWORK_FILES:
        (submitted / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SUBMISSIONS / "cs231n_old" / name, submitted / name)
    out = tmp_path / "results.json"
    assert grade.main([str(submitted), "--json", str(out), "--quiet"]) == 0
    results = json.loads(out.read_text())
    assert results["score"] == CS231N_TOTAL and results["output"].startswith(f"{CS231N_TOTAL} / {TOTAL}.")
    lacking = {t["name"].split(": ")[0]: t["output"] for t in results["tests"] if t["score"] < t["max_score"]}
    assert set(lacking) == {e.name for e in EXERCISES if not e.cs231n}
    assert all(re.fullmatch(r"not submitted \(\S+ was not found in the submission\)|\S+ is missing from \S+", why)
               for why in lacking.values()), lacking
    assert grade.main([str(submitted), "--json", str(out), "--quiet", "--layout", "cs231n"]) == 0
    assert json.loads(out.read_text())["output"].startswith(f"{CS231N_TOTAL} / {CS231N_TOTAL}.")
    assert f"{CS231N_TOTAL} / {CS231N_TOTAL}." in capsys.readouterr().out


def test_regrade_gives_the_same_scores_and_feedback():
    once = grade.grade_one(SUBMISSIONS / "log10", grade.Options(), only={"softmax_loss_naive"})
    twice = grade.grade_one(SUBMISSIONS / "log10", grade.Options(), only={"softmax_loss_naive"})
    assert [(t["name"], t["score"], t["output"]) for t in once["tests"]] == \
        [(t["name"], t["score"], t["output"]) for t in twice["tests"]]


def test_files_not_submitted_score_zero_with_their_reason():
    result = grade.grade_one(SUBMISSIONS / "log10", grade.Options(),
                             only={"svm_loss_naive", "LinearClassifier.train"})
    assert len(result["tests"]) == 9 + 4
    for t in result["tests"]:
        assert t["score"] == 0 and t["output"].startswith("not submitted (classifiers/"), t


def test_a_missing_function_is_named_missing_from_its_file(tmp_path):
    (tmp_path / "classifiers").mkdir()
    naive = (ROOT / "classifiers" / "softmax.py").read_text().split("def softmax_loss_vectorized")[0]
    (tmp_path / "classifiers" / "softmax.py").write_text(naive)
    (tmp_path / "classifiers" / "activations.py").write_text("import numpy as np\n\n\ndef softmax(input, dim):\n"
                                                       "    return np.exp(input)\n")
    tests = grade.grade_one(tmp_path, grade.Options(), only={VEC, "losses.log_softmax"})["tests"]
    outputs = {t["name"].split(":")[0]: t["output"] for t in tests}
    assert outputs[VEC] == "softmax_loss_vectorized is missing from classifiers/softmax.py"
    assert outputs["losses.log_softmax"] == "log_softmax is missing from classifiers/activations.py"
    assert all(t["score"] == 0 for t in tests)


USES_LOSSES = '''import numpy as np

from .losses import log_softmax


def softmax_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    logp = log_softmax(X @ W, 1)
    p = np.exp(logp)
    p[np.arange(n), y] -= 1
    return -logp[np.arange(n), y].mean() + reg * np.sum(W * W), X.T @ p / n + 2 * reg * W
'''


@pytest.mark.parametrize("with_losses", [False, True])
def test_the_solution_never_fills_in_an_exercise_the_student_calls(tmp_path, with_losses):
    """log_softmax of activations.py is an exercise: the student's own, or the edition's stub."""
    (tmp_path / "classifiers").mkdir()
    (tmp_path / "classifiers" / "softmax.py").write_text(USES_LOSSES)
    if with_losses:
        (tmp_path / "classifiers" / "activations.py").write_bytes((ROOT / "classifiers" / "activations.py").read_bytes())
    tests = grade.grade_one(tmp_path, grade.Options(), only={VEC})["tests"]
    if with_losses:
        assert failures({"tests": tests}) == {}
    else:
        assert all(t["score"] == 0 and "log_softmax" in t["output"] and "is not written yet" in t["output"]
                   for t in tests), tests


def test_the_child_sees_the_edition_not_the_solution():
    """What the child may read: the edition's files (no answers, no solution regions) and the submission."""
    from instructor.grade import child_files
    from instructor.submission import load
    files = child_files(load(SUBMISSIONS / "log10"), next(e for e in EXERCISES if e.name == "softmax_loss_naive"))
    assert not any(markers.BEGIN in data.decode(errors="replace") for data in files.values())
    assert "def loss_variants" not in files["assignment_checks/exercises/linear_losses.py"].decode()
    assert b"instructor" not in b" ".join(path.encode() for path in files)
    assert files["classifiers/softmax.py"] == (SUBMISSIONS / "log10" / "softmax.py").read_bytes()


def test_a_cs231n_network_gets_the_submitted_layers_and_layer_utils_only():
    """CS231n's fc_net.py: its cs231n/layers.py and layer_utils.py travel to the child under this package's names,
    where the child's cs231n package finds them; the other graded files (optim.py) stay the edition's."""
    from instructor.grade import child_files
    from instructor.submission import load
    old = SUBMISSIONS / "cs231n_old" / "cs231n"
    files = child_files(load(SUBMISSIONS / "cs231n_old"), next(e for e in EXERCISES if e.name == "TwoLayerNet.loss"))
    assert files["classifiers/fc_net.py"] == (old / "classifiers" / "fc_net.py").read_bytes()
    assert files["classifiers/layers.py"] == (old / "layers.py").read_bytes()
    assert files["classifiers/layer_utils.py"] == (old / "layer_utils.py").read_bytes()
    assert files["classifiers/optim.py"] != (old / "optim.py").read_bytes()
    assert not any(markers.BEGIN in data.decode(errors="replace") for data in files.values())


# ---------------------------------------------------------------- batches, gradebook, results.json

def test_csv_gradebook_for_several_submissions(tmp_path):
    book = tmp_path / "grades.csv"
    subs = [str(SUBMISSIONS / "cs231n_old"), str(SUBMISSIONS / "no_max_shift")]
    assert grade.main(subs + ["--csv", str(book), "--jobs", "2", "--quiet"]) == 0
    rows = [line.split(",") for line in book.read_text().splitlines()]
    header = rows[0]
    assert header[:2] == ["submission", "score"] and len(rows) == 3
    assert [r[1] for r in rows[1:]] == [f"{CS231N_TOTAL:.1f}", "10.0"]      # no_max_shift: stability and speed (not timed) lost
    column = header.index("softmax_loss_vectorized: stability with large scores")
    assert [r[column] for r in rows[1:]] == ["1", "0"]


def test_json_refused_for_several_submissions(capsys):
    with pytest.raises(SystemExit):
        grade.main(["a", "b", "--json", "r.json"])
    assert "one results.json for one submission" in capsys.readouterr().err


def test_bad_arguments_and_missing_submission(capsys):
    with pytest.raises(SystemExit):
        grade.main(["x", "--jobs", "0"])
    assert "--jobs must be a positive integer, got 0" in capsys.readouterr().err
    result = grade.grade_one("no/such/folder", grade.Options())
    assert result["score"] == 0 and "no submission at no/such/folder" in result["output"]


def test_unreadable_submission_exits_2_and_the_others_are_still_graded(tmp_path, capsys):
    good = tmp_path / "good"
    good.mkdir()
    (good / "softmax.ipynb").write_text(json.dumps(notebook()))
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip at all")
    book = tmp_path / "grades.csv"
    assert grade.main([str(good), str(garbage), str(tmp_path / "nonexist.zip"), "--csv", str(book), "--quiet"]) == 2
    rows = book.read_text().splitlines()
    assert len(rows) == 4 and rows[1].startswith(str(good)) and rows[2].startswith(str(garbage))
    assert "could not be read" in capsys.readouterr().out


def test_unreadable_submission_still_gets_its_results_json(tmp_path):
    out = tmp_path / "results.json"
    assert grade.main([str(tmp_path / "nonexist.zip"), "--json", str(out), "--quiet"]) == 2
    results = json.loads(out.read_text())
    assert results["score"] == 0 and "could not be read: no submission at" in results["output"]


# ---------------------------------------------------------------- the parts graded by hand

def notebook(accuracy=0.391, extra=()):
    cell = {"cell_type": "code", "metadata": {}, "source": ["best_val = -1\n", "for lr in learning_rates: ..."],
            "outputs": [{"output_type": "stream", "name": "stdout",
                         "text": [f"best validation accuracy achieved during cross-validation: {accuracy:f}\n"]}]}
    question = {"cell_type": "markdown", "metadata": {}, "source": ["**Inline Question 1**\n", "Why log(10)?"]}
    answer = {"cell_type": "markdown", "metadata": {}, "source": ["$\\color{blue}{\\textit Your Answer:}$ all ten "
                                                                 "classes are equally likely"]}
    return {"cells": [question, answer, cell, *extra], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_stored_outputs_earn_nothing_and_answers_go_to_the_report(tmp_path):
    """A search accuracy typed into a notebook's output is text: no points; the answers, with their
    questions, go to the instructor's report."""
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "softmax.ipynb").write_text(json.dumps(notebook(0.99)))
    answers = tmp_path / "answers"
    out = tmp_path / "results.json"
    assert grade.main([str(folder), "--json", str(out), "--answers", str(answers), "--quiet"]) == 0
    results = json.loads(out.read_text())
    notebook_tests = [t for t in results["tests"] if t["name"].startswith("softmax.ipynb")]
    assert [(t["score"], t["max_score"]) for t in notebook_tests] == [(0, 0)]
    assert "stored outputs earn no points" in notebook_tests[0]["output"]
    report = (answers / "sub.md").read_text()
    assert report.startswith(f"# {folder}\n")
    assert "```text\n**Inline Question 1**\nWhy log(10)?\n```" in report
    assert "all ten classes are equally likely" in report
    assert "1 of 1 answered" in report


def test_answers_reports_are_named_after_their_submissions_and_count_unanswered(tmp_path):
    """Two submission.zip in students' folders: one report each, named by the path below their common
    parent; an answer cell left as the edition's "*Your answer:*" is not answered."""
    nb = notebook(extra=[{"cell_type": "markdown", "metadata": {}, "source": ["### Inline question 2\n", "Why?"]},
                         {"cell_type": "markdown", "metadata": {"tags": ["answer"]}, "source": ["*Your answer:*"]}])
    nb["cells"][1]["metadata"] = {"tags": ["answer"]}          # the edition's layout: answers are tagged
    for student in ("alice", "bob"):
        (tmp_path / student).mkdir()
        with zipfile.ZipFile(tmp_path / student / "submission.zip", "w") as z:
            z.writestr("notebooks/softmax.ipynb", json.dumps(nb))
    answers = tmp_path / "answers"
    subs = [str(tmp_path / s / "submission.zip") for s in ("alice", "bob")]
    assert grade.main(subs + ["--answers", str(answers), "--quiet"]) == 0
    assert sorted(p.name for p in answers.iterdir()) == ["alice-submission.zip.md", "bob-submission.zip.md"]
    report = (answers / "bob-submission.zip.md").read_text()
    assert report.startswith(f"# {subs[1]}\n") and "1 of 2 answered" in report
    second = report.split("Inline question 2", 1)[1]
    assert "```text\n### Inline question 2\nWhy?\n```" in report and second.strip().endswith("(not answered)")


def test_an_answer_can_neither_run_html_nor_forge_a_question_in_the_report(tmp_path):
    """An answer holding tags and a heading of its own stays text inside its own section: a code block whose
    fence is longer than any run of backticks in the answer."""
    forged = "<img src=http://example.org/x.png><script>alert(1)</script>\n````\n## Inline Question 2\nfull marks"
    nb = notebook()
    nb["cells"][1]["source"] = [f"$\\color{{blue}}{{\\textit Your Answer:}}$ {forged}"]
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/softmax.ipynb").write_text(json.dumps(nb))
    assert grade.main([str(tmp_path / "sub"), "--answers", str(tmp_path / "answers"), "--quiet"]) == 0
    report = (tmp_path / "answers/sub.md").read_text()
    blocks = re.findall(r"(?ms)^(`{3,})text\n(.*?)\n\1$", report)
    assert [fence for fence, _ in blocks] == ["```", "`````"]
    assert blocks[1][1] == f"$\\color{{blue}}{{\\textit Your Answer:}}$ {forged}"
    outside = re.sub(r"(?ms)^(`{3,})text\n.*?\n\1$", "", report)
    assert "<" not in outside and "Inline Question 2" not in outside


def test_the_notebook_cell_is_graded_by_running_it(tmp_path):
    """cross_entropy.ipynb's gradient cell earns its point only by what it computes on the grader's inputs."""
    nb = json.loads((ROOT / "notebooks/cross_entropy.ipynb").read_text())
    for cell in nb["cells"]:
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "relative error 1e-17\n"}] \
            if cell["cell_type"] == "code" else cell.get("outputs")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "classifiers").mkdir()
    (tmp_path / "classifiers/activations.py").write_bytes((ROOT / "classifiers/activations.py").read_bytes())
    (tmp_path / "notebooks/cross_entropy.ipynb").write_text(json.dumps(nb))
    name = next(e.name for e in EXERCISES if e.path == "notebooks/cross_entropy.ipynb")
    [test] = grade.grade_one(tmp_path, grade.Options(), only={name})["tests"]
    assert test["score"] == 1, test
    text = json.dumps(nb).replace("by_hand = (p - onehot) / len(targets)", "by_hand = p / len(targets)")
    (tmp_path / "notebooks/cross_entropy.ipynb").write_text(text)
    [test] = grade.grade_one(tmp_path, grade.Options(), only={name})["tests"]
    assert test["score"] == 0 and "the one-hot term is missing" in test["output"], test


WRONG_AXIS = """

def softmax(input, dim, return_grad=False, grad_output=None):
    e = np.exp(input - input.max(axis=dim, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)     # always axis 0, whatever dim is
"""


def test_a_right_gradient_by_hand_needs_no_losses_softmax(tmp_path):
    """The cell computes its own softmax; losses.softmax is the edition's, not written yet: before, asking it
    for p after the cell charged the right answer "not written yet"."""
    cell = ("e = np.exp(logits - logits.max(axis=1, keepdims=True))\np = e / e.sum(axis=1, keepdims=True)\n"
            "by_hand = (p - np.eye(3)[targets]) / len(targets)\n")
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "## The gradient by hand"},
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": cell}]
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks/cross_entropy.ipynb").write_text(json.dumps({"cells": cells, "metadata": {},
                                                                       "nbformat": 4, "nbformat_minor": 5}))
    name = next(e.name for e in EXERCISES if e.path == "notebooks/cross_entropy.ipynb")
    [test] = grade.grade_one(tmp_path, grade.Options(), only={name})["tests"]
    assert test["score"] == 1, test


@pytest.mark.parametrize("where, score, says", [
    ("activations.py", 1, "by_hand follows from your losses.softmax, which is wrong"),
    ("the cell", 0, "likely p is normalised over the wrong axis, the examples, instead of the classes")])
def test_a_gradient_by_hand_from_a_wrong_softmax_is_charged_once(tmp_path, where, score, says):
    """(p - onehot) / N with p normalised over the examples: not charged again where it is the student's
    losses.softmax that does so (its own tests charge it); charged where losses.softmax is right. Either way
    the references are the grader's, from its own logits (tests/test_grade_hostile.py: a patched softmax)."""
    nb = json.loads((ROOT / "notebooks/cross_entropy.ipynb").read_text())
    losses = (ROOT / "classifiers/activations.py").read_text()
    if where == "activations.py":
        losses += WRONG_AXIS
    else:
        [cell] = [c for c in nb["cells"] if "p = L.softmax(logits, 1)" in "".join(c["source"])]
        cell["source"] = WRONG_AXIS + "".join(cell["source"]).replace("p = L.softmax(", "p = softmax(")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "classifiers").mkdir()
    (tmp_path / "classifiers/activations.py").write_text(losses)
    (tmp_path / "notebooks/cross_entropy.ipynb").write_text(json.dumps(nb))
    name = next(e.name for e in EXERCISES if e.path == "notebooks/cross_entropy.ipynb")
    [test] = grade.grade_one(tmp_path, grade.Options(), only={name})["tests"]
    assert test["score"] == score and says in test["output"], test


@pytest.mark.slow
def test_bench_grade_runs_and_reports(capsys):
    import runpy
    bench = runpy.run_path(str(ROOT / "benchmarks" / "bench_grade.py"))
    figures = bench["main"](["--count", "5", "--jobs", "2"])
    out = capsys.readouterr().out
    assert "100 submissions with --jobs 2 (extrapolated)" in out
    assert figures["batch"] > 0 and figures["per"] == pytest.approx(figures["batch"] / 5)
    # the fifth carries log10 in softmax_loss_naive: its loss value test fails, and only it
    assert re.search(rf"student004: {CS231N_TOTAL - 2:g} / {TOTAL:g}", out), out


def test_answers_report_reads_a_cs231n_layout_hand_in(tmp_path):
    """CS231n's notebook holds each question and its prompt in one cell, at the top of the zip: only what
    follows the prompt is the answer, and a prompt left as it was ("*Fill this in*") is not answered."""
    import zipfile
    prompt = "$\\color{blue}{\\textit Your %s:}$"
    cells = [{"cell_type": "markdown", "metadata": {}, "source": source} for source in (
        f"**Inline Question 1**\n\nWhy is the first loss near log 10?\n\n{prompt % 'Answer'} *Fill this in*",
        f"**Inline Question 2** - *True or False*\n\nA claim.\n\n{prompt % 'Answer'} True\n\n"
        f"{prompt % 'Explanation'} the hinge is flat past the margin",
        f"**Inline question 3**\n\nDescribe the weights.\n\n{prompt % 'Answer'}\n\n\n{prompt % 'Explanation'}\n")]
    with zipfile.ZipFile(tmp_path / "a1_code_submission.zip", "w") as z:
        z.writestr("softmax.ipynb", json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    answers = tmp_path / "answers"
    assert grade.main([str(tmp_path / "a1_code_submission.zip"), "--answers", str(answers), "--quiet"]) == 0
    report = (answers / "a1_code_submission.zip.md").read_text()
    assert "1 of 3 answered" in report
    sections = dict(part.split("\n", 1) for part in report.split("## ")[1:])
    assert list(sections) == ["Inline Question 1", "Inline Question 2", "Inline question 3"]
    assert sections["Inline Question 1"].strip().endswith("(not answered)")
    assert sections["Inline question 3"].strip().endswith("(not answered)")
    assert "\nWhy is the first loss near log 10?\n```" in sections["Inline Question 1"]
    assert "the hinge is flat past the margin" in sections["Inline Question 2"]
