"""The students' checks (assignment_checks/local.py, python -m assignment_checks): every exercise passes on the solution; an
unwritten exercise, a crash, a file that does not import and a notebook not done yet are each reported
as such; a mistake is named from the stored answers, in the grader's words (tests/test_diagnoses.py
checks those words on every hand-written buggy submission)."""
import json
import subprocess
import sys

import numpy as np
import pytest

import assignment_checks
from assignment_checks import framework, local
from assignment_checks.__main__ import main as checks_main
from assignment_checks.exercises import by_name
from classifiers import activations, layers, linear_classifier, linear_svm, losses, softmax


def outcome(name):
    return assignment_checks.run(by_name(name))


def not_written(name, path):
    def stub(*args, **kwargs):
        raise NotImplementedError(f"{name} is not written yet: open {path}")
    return stub


def test_every_exercise_passes_on_the_solution():
    failing = [o.report() for o in assignment_checks.run_all() if o.verdict != assignment_checks.OK]
    assert not failing, "\n".join(failing)


def test_unwritten_exercise_is_reported_not_failed(monkeypatch, capsys):
    monkeypatch.setattr(softmax, "softmax_loss_naive", not_written("softmax_loss_naive", "classifiers/softmax.py"))
    o = outcome("softmax_loss_naive")
    assert (o.verdict, o.message) == (assignment_checks.TODO, "softmax_loss_naive is not written yet: open classifiers/softmax.py")
    assert outcome("softmax_loss_vectorized").verdict == assignment_checks.OK      # judged on its own, not against naive
    assert checks_main(["softmax_loss_"]) == 0
    out = capsys.readouterr().out
    assert "[not written yet] softmax_loss_naive" in out
    assert out.rstrip().endswith("1 ok, 0 failed, 1 not written yet")


def test_every_failing_property_is_reported_with_the_ones_that_hold(monkeypatch, capsys):
    def half_reg(W, X, y, reg):
        loss, dW = linear_svm.svm_loss_vectorized(W, X, y, reg)
        return loss - 0.5 * reg * np.sum(W * W), dW - reg * W
    monkeypatch.setattr(linear_svm, "svm_loss_naive", half_reg)
    o = outcome("svm_loss_naive")
    assert o.verdict == assignment_checks.FAIL
    assert [name for name, _ in o.failed] == ["regularization in the loss", "regularization in the gradient"]
    assert "loss value" in o.passed and "gradient" in o.passed
    assert checks_main(["svm_loss_naive"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] svm_loss_naive (classifiers/linear_svm.py)" in out
    assert "    FAIL  regularization in the loss: the regularization adds" in out
    assert "    ok    loss value" in out


def test_a_form_is_not_credited_to_code_that_computes_nothing(monkeypatch):
    """As in the grader (tests/submissions/hostile_constant_stubs): (0.0, zeros of W's shape) used to pass
    "inputs unmodified" and "scalar loss and dW of W's shape" here too."""
    monkeypatch.setattr(softmax, "softmax_loss_vectorized", lambda W, X, y, reg: (0.0, np.zeros_like(W)))
    monkeypatch.setattr(layers, "softmax_loss", lambda x, y: (0.0, np.zeros_like(x)))
    for name in ("softmax_loss_vectorized", "softmax_loss"):
        o = outcome(name)
        assert o.passed == [], o.report()
        form = [prop.name for prop in by_name(name).properties if prop.vouched_by and not prop.timed]
        assert all("is not credited: on " in dict(o.failed)[prop] for prop in form), o.report()
        timed = [prop.name for prop in by_name(name).properties if prop.timed]     # not even run: values fail
        assert all(dict(o.failed)[prop] == framework.NOT_TIMED for prop in timed), o.report()


def test_unknown_exercise_names_the_known_ones(capsys):
    assert checks_main(["no_such_thing"]) == 2
    assert "the exercises are: KNearestNeighbor.compute_distances_two_loops, " in capsys.readouterr().err


def test_a_crash_in_student_code_names_the_line(monkeypatch):
    def crashing(W, X, y, reg):
        return W @ X, None            # shapes do not align
    monkeypatch.setattr(linear_svm, "svm_loss_naive", crashing)
    o = outcome("svm_loss_naive")
    assert o.verdict == assignment_checks.FAIL
    why = dict(o.failed)["loss value"]
    assert why.startswith("your code raised ValueError")
    assert "tests/test_checks.py:" in why and "return W @ X, None" in why


def test_a_file_that_does_not_import_is_reported_once_with_its_line(tmp_path, monkeypatch, capsys):
    (tmp_path / "classifiers").mkdir()
    (tmp_path / "classifiers" / "__init__.py").write_text("")
    (tmp_path / "classifiers" / "linear_svm.py").write_text("import numpy as np\n\ndef svm_loss_naive(:\n    pass\n")
    monkeypatch.setattr(local, "ROOT", tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in list(__import__("sys").modules) if m == "classifiers" or m.startswith("classifiers.")]:
        monkeypatch.delitem(__import__("sys").modules, name)
    assert checks_main(["svm_loss_"]) == 1
    out = capsys.readouterr().out
    assert out.count("error: classifiers/linear_svm.py line 3: SyntaxError") == 1
    assert "[cannot run] svm_loss_naive" in out and "[cannot run] svm_loss_vectorized" in out
    assert "cannot run: fix the SyntaxError in classifiers/linear_svm.py line 3 first" in out


def test_a_function_missing_from_its_file_is_named(monkeypatch):
    monkeypatch.delattr(activations, "log_softmax")
    o = outcome("losses.log_softmax")
    assert o.verdict == assignment_checks.FAIL and o.failed == [("present", "log_softmax is missing from classifiers/activations.py")]


def test_train_not_written_names_the_part(monkeypatch):
    monkeypatch.setattr(linear_classifier.LinearClassifier, "train", not_written(
        "LinearClassifier.train (part 1 of 2)", "classifiers/linear_classifier.py"))
    o = outcome("LinearClassifier.train")
    assert o.verdict == assignment_checks.TODO and o.message.startswith("LinearClassifier.train (part 1 of 2) is not written")


def test_the_answers_come_from_expected_json_not_from_the_solution(monkeypatch):
    """With the stored answers shifted, the solution itself fails: the checks compare with the file."""
    stored = local.expected_answers()
    stored["softmax_loss (naive and vectorized)"]["tiny"]["loss"] = [[labels, value + 1.0] for labels, value in
                                              stored["softmax_loss (naive and vectorized)"]["tiny"]["loss"]]
    o = local.run(by_name("softmax_loss_naive"), answers=stored)
    assert "loss value" in dict(o.failed)


def test_public_cases_are_fixed(monkeypatch):
    first = by_name("softmax_loss_naive").cases(local.public_rng(by_name("softmax_loss_naive")), True)
    again = by_name("softmax_loss_vectorized").cases(local.public_rng(by_name("softmax_loss_vectorized")), True)
    for a, b in zip(first, again):     # naive and vectorized share their public cases and answers
        assert a.name == b.name and all(np.array_equal(a.inputs[k], b.inputs[k]) for k in a.inputs)


# ---------------------------------------------------------------- notebooks graded by hand

def notebook(cells):
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4})


def code(source):
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": 1}


def heading(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def answer(text):
    return {"cell_type": "markdown", "metadata": {"tags": ["answer"]}, "source": text}


def test_notebook_exercise_reports_unwritten_cells_and_answers(tmp_path, monkeypatch):
    monkeypatch.setattr(local, "ROOT", tmp_path)
    (tmp_path / "notebooks").mkdir()
    path = tmp_path / "notebooks/softmax.ipynb"
    search, question = heading("## Hyperparameter search"), heading("### Inline question 1\n*Why?*")
    path.write_text(notebook([search, code('raise NotImplementedError("the search is not written yet")'),
                              question, answer("*Your answer:*")]))
    o = outcome("softmax.ipynb")
    assert o.verdict == assignment_checks.TODO and o.message.startswith(
        'the code under "Hyperparameter search" still raises NotImplementedError'), o.message
    path.write_text(notebook([search, code("best = 1"), question, answer("*Your answer:*")]))
    o = outcome("softmax.ipynb")
    assert o.verdict == assignment_checks.TODO and o.message.startswith(
        "1 of the 1 inline questions are not answered yet (Inline question 1)"), o.message
    path.write_text(notebook([search, code("best = 1"), question, answer("*Your answer:* because")]))
    assert outcome("softmax.ipynb").verdict == assignment_checks.OK
    path.unlink()
    assert outcome("softmax.ipynb").message == "notebooks/softmax.ipynb is missing"


@pytest.mark.parametrize("by_hand, says", [
    ("(p - onehot)", "the gradient is not divided by N"),
    ("(onehot - p) / len(targets)", "the gradient has the wrong sign"),
])
def test_the_notebook_cell_runs_and_its_mistake_is_named(tmp_path, monkeypatch, by_hand, says):
    """The gradient cell of cross_entropy.ipynb is run on the public logits, as the grader runs it."""
    monkeypatch.setattr(local, "ROOT", tmp_path)
    (tmp_path / "notebooks").mkdir()
    cell = f"p = L.softmax(logits, 1)\nonehot = np.eye(3)[targets]\nby_hand = {by_hand}\nprint(by_hand)"
    (tmp_path / "notebooks/cross_entropy.ipynb").write_text(notebook([
        heading("## The gradient by hand"), code(cell)]))
    o = assignment_checks.run_all(["cross_entropy"])[0]
    assert o.verdict == assignment_checks.FAIL and says in dict(o.failed)["the gradient by hand"], o.report()


def test_the_notebook_cell_is_not_judged_against_a_softmax_it_replaced(tmp_path, monkeypatch):
    """As in the grader (tests/submissions/hostile_cell_patches_softmax): a constant L.softmax and an answer
    from it used to pass, p read back from the replaced function."""
    monkeypatch.setattr(local, "ROOT", tmp_path)
    monkeypatch.setattr(losses, "softmax", losses.softmax)      # the cell replaces it for this process
    (tmp_path / "notebooks").mkdir()
    cell = ("L.softmax = lambda input, dim: np.full(np.shape(input), 0.25)\n"
            "by_hand = (L.softmax(logits, 1) - np.eye(3)[targets]) / len(targets)")
    (tmp_path / "notebooks/cross_entropy.ipynb").write_text(notebook([
        heading("## The gradient by hand"), code(cell)]))
    o = assignment_checks.run_all(["cross_entropy"])[0]
    why = dict(o.failed)["the gradient by hand"]
    assert o.verdict == assignment_checks.FAIL and "it matches no known mistake" in why, o.report()


def test_a_name_picks_its_exercise_alone_or_the_exercises_it_is_part_of():
    assert [o.exercise.name for o in assignment_checks.run_all(["softmax_loss"])] == ["softmax_loss"]
    assert [o.exercise.name for o in assignment_checks.run_all(["softmax_loss_"])] == ["softmax_loss_naive",
                                                                             "softmax_loss_vectorized"]
    assert {o.exercise.path for o in assignment_checks.run_all(["layers.py"])} == {"classifiers/layers.py"}


def test_the_notebooks_inline_questions_are_their_marked_cells_and_no_other():
    """Each notebook's questions are the cells its answers are tagged under: knn.ipynb 3, softmax.ipynb 4, two_layer_net.ipynb 2,
    features.ipynb 1 (docs/instructors.md's counts). The hand-in section, whose text says "with your answers", is none: before, it made
    the answers report say "5 of 5 answered" on the solution."""
    from assignment_checks.exercises import notebooks
    from conftest import ROOT
    found = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = notebooks.parse(path.read_bytes())
        asked = notebooks.questions(cells)
        found[path.name] = [q.name for q in asked]
        assert all(q.answered and notebooks.is_answer(cells[q.answer_cell]) for q in asked), path
        assert all(q.question_cell == q.answer_cell - 1 for q in asked), path
    assert found == {"cross_entropy.ipynb": [], "knn.ipynb": [f"Inline question {k}" for k in range(1, 4)],
                     "softmax.ipynb": [f"Inline question {k}" for k in range(1, 5)],
                     "two_layer_net.ipynb": ["Inline question 1", "Inline question 2"],
                     "features.ipynb": ["Inline question 1"],
                     "FullyConnectedNets.ipynb": ["Inline question 1", "Inline question 2"]}


def counting(function):
    """``function`` that records the number of examples of each call (the timed case has 10,000)."""
    def counted(W, X, y, reg):
        counted.sizes.append(len(X))
        return function(W, X, y, reg)
    counted.sizes = []
    return counted


def timed_size():
    return next(len(c.inputs["X"]) for c in by_name(VEC).cases(local.public_rng(by_name(VEC)), True)
                if c.options.get("timed"))


VEC = "softmax_loss_vectorized"
RIGHT = softmax.softmax_loss_vectorized


def test_wrong_values_settle_the_verdict_and_the_timed_case_is_never_run(monkeypatch):
    """An N x N mistake (scores[:, y], tests/submissions/wrong_class) took 12 s a check, timing a call already
    known to be wrong: speed earns nothing for wrong values, so the timed case is not run at all once
    another property fails (here a loss twice too large)."""
    def wrong_class(W, X, y, reg):
        loss, dW = RIGHT(W, X, y, reg)
        return loss * 2, dW
    spy = counting(wrong_class)
    monkeypatch.setattr(softmax, VEC, spy)
    o = outcome(VEC)
    assert o.verdict == assignment_checks.FAIL and spy.sizes and timed_size() not in spy.sizes, spy.sizes
    failed = dict(o.failed)
    assert "loss value" in failed and failed["speed (no loop over examples)"].startswith("not timed while")


def test_the_timed_case_is_timed_only_when_its_values_are_right(monkeypatch):
    """Right on every case but the timed one: its values are judged from one call, and it is not timed."""
    def wrong_when_timed(W, X, y, reg):
        loss, dW = RIGHT(W, X, y, reg)
        return (loss + 1 if len(X) == timed_size() else loss), dW
    spy = counting(wrong_when_timed)
    monkeypatch.setattr(softmax, VEC, spy)
    o = outcome(VEC)
    assert "speed (no loop over examples) is not credited: " in dict(o.failed)["speed (no loop over examples)"], o.failed
    assert spy.sizes.count(timed_size()) == 1
    right = counting(RIGHT)
    monkeypatch.setattr(softmax, VEC, right)
    assert outcome(VEC).verdict == assignment_checks.OK
    assert right.sizes.count(timed_size()) == 1 + local.TIMING_ROUNDS      # once for its values, then timed


def test_a_partial_submission_gets_one_line_per_exercise_not_started(tmp_path):
    """The released edition with softmax.py written: each exercise not started is one line (it was two,
    about 40 lines of "not written yet"), with what stops it when that is not its own file."""
    from instructor import release
    release.release(tmp_path / "edition")
    (tmp_path / "edition/classifiers/softmax.py").write_bytes((local.ROOT / "classifiers/softmax.py").read_bytes())
    out = subprocess.run([sys.executable, "-m", "assignment_checks"], cwd=tmp_path / "edition", capture_output=True,
                         text=True).stdout.splitlines()
    started = [e for e in assignment_checks.EXERCISES if e.path == "classifiers/softmax.py"]
    todo = [line for line in out if line.startswith(f"[{assignment_checks.TODO}]")]
    assert len(todo) == len(assignment_checks.EXERCISES) - len(started) and not any(line.startswith("    todo") for line in out)
    assert len(out) == len(todo) + sum(1 + len(e.properties) for e in started) + 2       # a blank line, the counts
    assert "[not written yet] svm_loss_naive (classifiers/linear_svm.py)" in todo
    assert any(line.startswith('[not written yet] the code under "The gradient') and line.endswith(
        "log_softmax (part 1 of 2) is not written yet: open classifiers/activations.py") for line in todo), todo
