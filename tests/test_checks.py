"""The students' self-checks (checks/): all pass on the solution, and each common mistake gets its diagnosis."""
import hashlib
import os
import json
import zipfile

import numpy as np
import pytest

import checks
from checks import submit
from checks.__main__ import main as checks_main
from classifiers import linear_classifier, linear_svm, losses, softmax

SOFTMAX = (softmax, "softmax_loss_naive")
SOFTMAX_VEC = (softmax, "softmax_loss_vectorized")
SVM = (linear_svm, "svm_loss_naive")


def outcome(name):
    [ex] = [e for e in checks.EXERCISES if e.name == name]
    return checks.run(ex)


def test_every_exercise_passes_on_the_solution():
    failing = [o.report() for o in checks.run_all() if o.verdict != checks.OK]
    assert not failing, "\n".join(failing)


def test_expected_values_are_the_solutions():
    from instructor.expected import PATH, expected
    from instructor.release import ROOT
    stored = json.loads((ROOT / PATH).read_text())
    assert stored == json.loads(json.dumps(expected())), "python -m instructor.expected rewrites it"


def replace(monkeypatch, target, make_bad):
    module, name = target
    monkeypatch.setattr(module, name, make_bad(getattr(module, name)))


def reg_gradient_times(factor):
    def make(fn):
        def bad(W, X, y, reg):
            loss, dW = fn(W, X, y, reg)
            return loss, dW + (factor - 2) * reg * W           # factor * reg * W instead of 2 * reg * W
        return bad
    return make


@pytest.mark.parametrize("target", [SOFTMAX, SOFTMAX_VEC, SVM], ids=lambda t: t[1])
@pytest.mark.parametrize("factor, said", [(1, "0.5x"), (4, "2x"), (0, "0x")])
def test_regularization_gradient_mistake_is_named(monkeypatch, target, factor, said):
    replace(monkeypatch, target, reg_gradient_times(factor))
    o = outcome(target[1])
    assert o.verdict == checks.FAIL
    assert o.message == (f"your gradient is {said} the numerical one on the regularization term: "
                         f"d/dW of reg * sum(W**2) is 2 * reg * W")


def summed_not_averaged(fn):
    def bad(W, X, y, reg):
        loss, dW = fn(W, X, y, 0.0)
        n = len(y)
        return loss * n + reg * np.sum(W * W), dW * n + 2 * reg * W
    return bad


def test_missing_division_by_n_is_named(monkeypatch):
    replace(monkeypatch, SOFTMAX, summed_not_averaged)
    o = outcome("softmax_loss_naive")
    assert o.verdict == checks.FAIL and "N = 8 times too large: the loss is the mean" in o.message


def test_gradient_not_divided_by_n_is_named(monkeypatch):
    def make(fn):
        def bad(W, X, y, reg):
            loss, dW = fn(W, X, y, 0.0)
            return fn(W, X, y, reg)[0], dW * len(y) + 2 * reg * W
        return bad
    replace(monkeypatch, SVM, make)
    o = outcome("svm_loss_naive")
    assert o.verdict == checks.FAIL and o.message == ("with reg = 0 your gradient is N = 8 times the numerical "
                                                      "one: divide dW by N")
    assert o.passed[:3] == ["loss at W = 0 is C - 1", "loss equals the expected value on the public problem",
                            "the loss adds reg * sum(W**2)"]


def test_half_regularization_in_the_loss_is_named(monkeypatch):
    def make(fn):
        def bad(W, X, y, reg):
            loss, dW = fn(W, X, y, reg)
            return loss - 0.5 * reg * np.sum(W * W), dW
        return bad
    replace(monkeypatch, SOFTMAX_VEC, make)
    o = outcome("softmax_loss_vectorized")
    assert o.verdict == checks.FAIL and "adds 0.5 * reg * sum(W**2) to your loss (no 1/2" in o.message


def unshifted_softmax(W, X, y, reg):
    """A correct softmax loss, except that it forgets to subtract the row max."""
    scores = X @ W
    e = np.exp(scores)
    p = e / e.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.log(p[np.arange(n), y]).mean() + reg * np.sum(W * W)
    p[np.arange(n), y] -= 1
    return loss, X.T @ p / n + 2 * reg * W


def shifted_softmax(log_sum_exp):
    """The two usual correct forms: -log of p[y] after the max shift, or the log-sum-exp of shifted scores."""
    def loss_fn(W, X, y, reg):
        scores = X @ W
        scores = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        p = e / e.sum(axis=1, keepdims=True)
        n = len(y)
        if log_sum_exp:
            data = np.mean(np.log(e.sum(axis=1)) - scores[np.arange(n), y])
        else:
            data = -np.log(p[np.arange(n), y]).mean()
        p[np.arange(n), y] -= 1
        return data + reg * np.sum(W * W), X.T @ p / n + 2 * reg * W
    return loss_fn


@pytest.mark.parametrize("name", ["softmax_loss_naive", "softmax_loss_vectorized"])
@pytest.mark.parametrize("log_sum_exp", [True, False], ids=["log-sum-exp", "log-of-p"])
def test_both_usual_stable_forms_pass(monkeypatch, name, log_sum_exp):
    monkeypatch.setattr(softmax, name, shifted_softmax(log_sum_exp))
    o = outcome(name)
    assert "finite loss for large scores" in o.passed, o.report()


def test_overflow_without_the_max_shift_is_named(monkeypatch):
    monkeypatch.setattr(softmax, "softmax_loss_naive", unshifted_softmax)
    o = outcome("softmax_loss_naive")
    assert o.verdict == checks.FAIL and "exp overflows; subtract each row's largest score" in o.message
    assert "inputs left unmodified" in o.passed


def test_log10_is_named(monkeypatch):
    def make(fn):
        def bad(W, X, y, reg):
            loss, dW = fn(W, X, y, reg)
            return loss / np.log(10), dW
        return bad
    replace(monkeypatch, SOFTMAX, make)
    o = outcome("softmax_loss_naive")
    assert o.verdict == checks.FAIL and "= log10(C): use np.log, the natural logarithm" in o.message, o.message


def test_modified_input_is_named(monkeypatch):
    def make(fn):
        def bad(W, X, y, reg):
            result = fn(W, X, y, reg)
            X -= 0                   # an in-place edit that changes nothing is fine ...
            if reg:
                X[0, 0] += 1.0       # ... one that changes X is not
            return result
        return bad
    replace(monkeypatch, SOFTMAX, make)
    o = outcome("softmax_loss_naive")
    assert o.verdict == checks.FAIL and o.message.startswith("your function changed its input X")


def test_wrong_data_gradient_gets_the_formula(monkeypatch):
    def make(fn):
        def bad(W, X, y, reg):
            loss, dW = fn(W, X, y, reg)
            dW = dW.copy()
            dW[:, 0] += 0.01        # one column off
            return loss, dW
        return bad
    replace(monkeypatch, SOFTMAX, make)
    o = outcome("softmax_loss_naive")
    assert o.verdict == checks.FAIL and "d loss_i / d s_j = p_j - [j == y_i]" in o.message


def test_disagreement_and_slowness_of_the_vectorized_version(monkeypatch):
    monkeypatch.setattr(softmax, "softmax_loss_vectorized", softmax.softmax_loss_naive)
    o = outcome("softmax_loss_vectorized")
    assert o.verdict == checks.FAIL and "faster than softmax_loss_naive" in o.message and "X @ W" in o.message
    assert "agrees with softmax_loss_naive" in o.passed


def not_written(name, path):
    def stub(*args, **kwargs):
        raise NotImplementedError(f"{name} is not written yet: open {path}")
    return stub


def test_unwritten_exercise_is_reported_not_failed(monkeypatch, capsys):
    monkeypatch.setattr(softmax, "softmax_loss_naive", not_written("softmax_loss_naive", "classifiers/softmax.py"))
    o = outcome("softmax_loss_naive")
    assert (o.verdict, o.message) == (checks.TODO, "softmax_loss_naive is not written yet: open classifiers/softmax.py")
    vec = outcome("softmax_loss_vectorized")          # needs naive only to compare: skipped, not failed
    assert vec.verdict == checks.OK
    assert "skipped: agreement with softmax_loss_naive (softmax_loss_naive is not written yet)" in vec.passed
    assert checks_main(["softmax_loss"]) == 0
    out = capsys.readouterr().out
    assert "[not written yet] softmax_loss_naive" in out and "    skip  agreement with" in out
    assert out.rstrip().endswith("1 ok, 0 failed, 1 not written yet")


def test_command_line_fails_on_a_failing_check_and_names_unknown_exercises(monkeypatch, capsys):
    replace(monkeypatch, SVM, reg_gradient_times(1))
    assert checks_main(["svm_loss_naive"]) == 1
    assert "[FAIL] svm_loss_naive (classifiers/linear_svm.py)" in capsys.readouterr().out
    assert checks_main(["no_such_thing"]) == 2
    assert "the exercises are: softmax_loss_naive" in capsys.readouterr().err


def test_a_crash_in_student_code_names_the_line(monkeypatch):
    def crashing(W, X, y, reg):
        return W @ X, None            # shapes do not align
    monkeypatch.setattr(linear_svm, "svm_loss_naive", crashing)
    o = outcome("svm_loss_naive")
    assert o.verdict == checks.FAIL and o.message.startswith("your code raised ValueError")
    assert "tests/test_checks.py:" in o.message and "return W @ X, None" in o.message


# ---------------------------------------------------------------- the classifier

def sgd_train(sign=-1.0, fixed_rows=False, in_place=False):
    """CS231n's train loop, with a mistake when asked: step with ``sign``; always the first rows.

    ``in_place`` updates W as CS231n's solutions do, self.W -= learning_rate * grad."""
    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, verbose=False):
        if self.W is None:
            self.W = 0.001 * np.random.randn(X.shape[1], int(np.max(y)) + 1)
        history = []
        for _ in range(num_iters):
            idx = np.arange(batch_size) if fixed_rows else np.random.choice(len(X), batch_size)
            loss, grad = self.loss(X[idx], y[idx], reg)
            history.append(loss)
            if in_place:
                self.W -= learning_rate * grad
            else:
                self.W = self.W + sign * learning_rate * grad
        return history
    return train


@pytest.mark.parametrize("mistake, message", [
    (dict(sign=1.0), "you step up the gradient; step against it"),
    (dict(fixed_rows=True), "every minibatch holds the same rows: draw random indices"),
    (dict(sign=0.0), "self.W did not change during training"),
])
def test_train_mistakes_are_named(monkeypatch, mistake, message):
    monkeypatch.setattr(linear_classifier.LinearClassifier, "train", sgd_train(**mistake))
    o = outcome("LinearClassifier.train")
    assert o.verdict == checks.FAIL and message in o.message


@pytest.mark.parametrize("in_place", [False, True], ids=["W = W - step", "W -= step"])
def test_plain_train_loop_passes_and_lowers_the_loss(monkeypatch, in_place):
    monkeypatch.setattr(linear_classifier.LinearClassifier, "train", sgd_train(in_place=in_place))
    o = outcome("LinearClassifier.train")
    assert o.verdict == checks.OK, o.report()
    assert o.passed[-1].startswith("training lowers the loss")


def test_train_not_written_names_the_part(monkeypatch):
    monkeypatch.setattr(linear_classifier.LinearClassifier, "train", not_written(
        "LinearClassifier.train (part 1 of 2)", "classifiers/linear_classifier.py"))
    o = outcome("LinearClassifier.train")
    assert o.verdict == checks.TODO and o.message.startswith("LinearClassifier.train (part 1 of 2) is not written")


def test_predict_with_argmin_is_named(monkeypatch):
    monkeypatch.setattr(linear_classifier.LinearClassifier, "predict",
                        lambda self, X: np.argmin(X @ self.W, axis=1))
    o = outcome("LinearClassifier.predict")
    assert o.verdict == checks.FAIL and "lowest score; it must return the highest" in o.message


# ---------------------------------------------------------------- softmax functions of losses.py

def test_softmax_function_mistakes(monkeypatch):
    monkeypatch.setattr(losses, "softmax", lambda x, dim, **kw: np.exp(x) / np.exp(x).sum(axis=1, keepdims=True))
    o = outcome("softmax")
    assert o.verdict == checks.FAIL and "normalise along the axis dim, not a fixed one" in o.message
    monkeypatch.setattr(losses, "log_softmax", lambda x, dim, **kw: np.log(losses.softmax(x, dim)))
    o = outcome("log_softmax")
    assert o.verdict == checks.FAIL


# ---------------------------------------------------------------- notebooks and submit

def notebook(cells):
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4})


def code(source, ran=True, error=False):
    outputs = [{"output_type": "error", "ename": "ValueError", "evalue": "", "traceback": []}] if error else []
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": outputs,
            "execution_count": 1 if ran else None}


def heading(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def answer(text):
    return {"cell_type": "markdown", "metadata": {"tags": ["answer"]}, "source": text}


@pytest.fixture()
def student(tmp_path):
    """A student's repository: two edited files, a notebook, data, and the hand-in list."""
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks/handin.json").write_text(json.dumps({"files": [
        "classifiers/softmax.py", "notebooks/a.ipynb", "notebooks/b.ipynb", "datasets/data_batch_1"]}))
    (tmp_path / "classifiers").mkdir()
    (tmp_path / "classifiers/softmax.py").write_text("def f():\n    return 1\n")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks/a.ipynb").write_text(notebook([code("x = 1"), answer("Because.")]))
    (tmp_path / "notebooks/b.ipynb").write_text(notebook([code("x = 1", ran=False), heading("### Inline question 2"),
                                                          answer("*Your answer:*")]))
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets/data_batch_1").write_bytes(b"\0" * 1000)
    return tmp_path


def test_submit_writes_files_and_manifest_without_data(student):
    out, manifest = submit.build(student)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        stored = json.loads(z.read("MANIFEST.json"))
        contents = {n: z.read(n) for n in names}
    assert names == ["MANIFEST.json", "classifiers/softmax.py", "notebooks/a.ipynb", "notebooks/b.ipynb"]
    assert stored == manifest
    assert manifest["files"] == {n: hashlib.sha256(contents[n]).hexdigest() for n in names if n != "MANIFEST.json"}


def test_submit_warns_about_unrun_notebooks_and_empty_answers(student, capsys):
    (student / "notebooks/a.ipynb").write_text(notebook([code("x = 1"), heading("## Training"), code("z", error=True),
                                                        heading("## Search"), code("y = 2", ran=False),
                                                        answer("Because.")]))
    _, manifest = submit.build(student)
    assert manifest["warnings"] == [
        'notebooks/a.ipynb was not run to the end: the code under "Search" has not run',
        'notebooks/a.ipynb: the code under "Training" stopped with an error',
        "notebooks/b.ipynb was not run: run it top to bottom (Kernel > Restart & Run All; on Colab, Runtime > Run all) and save it",
        "notebooks/b.ipynb: Inline question 2 has no answer yet",
    ]


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
    assert sorted(p.name for p in student.iterdir()) == ["checks", "classifiers", "datasets", "notebooks",
                                                         "submission.zip"]


def test_notebook_exercise_reports_unwritten_cells_and_answers(tmp_path, monkeypatch):
    from checks import notebook_checks
    monkeypatch.setattr(notebook_checks, "ROOT", tmp_path)
    (tmp_path / "notebooks").mkdir()
    path = tmp_path / "notebooks/softmax.ipynb"
    search, question = heading("## Hyperparameter search"), heading("### Inline question 1\n*Why?*")
    path.write_text(notebook([search, code('raise NotImplementedError("the search is not written yet")'),
                              question, answer("*Your answer:*")]))
    o = outcome("softmax.ipynb")
    assert o.verdict == checks.TODO and o.message.startswith(
        'the code under "Hyperparameter search" in notebooks/softmax.ipynb still raises'), o.message
    path.write_text(notebook([search, code("best = 1"), question, answer("*Your answer:*")]))
    o = outcome("softmax.ipynb")
    assert o.verdict == checks.TODO and o.message.startswith(
        "1 of the 1 inline questions are not answered yet (Inline question 1)"), o.message
    path.write_text(notebook([search, code("best = 1"), question, answer("*Your answer:* because")]))
    assert outcome("softmax.ipynb").verdict == checks.OK
