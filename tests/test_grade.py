"""The autograder: full marks for this repository, the mistake named for each hand-written
buggy submission in tests/submissions/, and old CS231n files graded as they are."""
import atexit
import functools
import json
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from classifiers.linear_svm import svm_loss_vectorized
from classifiers.softmax import softmax_loss_vectorized
from instructor import cases, diagnose, grade, markers, sandbox

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
NAIVE, VEC = "softmax_loss_naive", "softmax_loss_vectorized"

# Submissions made from the solution's own files when the tests run, so they never go stale:
# the untouched edition, and predict_proba with one mistake in an otherwise solved file.
PROBA_BODIES = {
    "proba_no_shift": ["S = np.exp(self.scores(X))  # no max shift",
                       "return S / S.sum(axis=1, keepdims=True)"],
    "proba_axis0": ["S = self.scores(X)",
                    "S = np.exp(S - S.max(axis=1, keepdims=True))",
                    "return S / S.sum(axis=0, keepdims=True)  # the wrong axis"],
}


def with_predict_proba(lines):
    """The solution's linear_classifier.py with predict_proba's solution region replaced by ``lines``."""
    text = (ROOT / "classifiers" / "linear_classifier.py").read_text()
    head, tail = text.split("def predict_proba", 1)
    begin = tail.rindex("\n", 0, tail.index("# BEGIN SOLUTION")) + 1
    end = tail.index("# END SOLUTION\n") + len("# END SOLUTION\n")
    body = "".join(" " * 8 + line + "\n" for line in lines)
    return head + "def predict_proba" + tail[:begin] + body + tail[end:]


@functools.lru_cache(maxsize=None)
def generated_submissions():
    root = Path(tempfile.mkdtemp(prefix="grade-fixtures-"))
    atexit.register(shutil.rmtree, root, True)
    for name in ("softmax", "linear_svm", "linear_classifier", "losses"):
        rel = f"classifiers/{name}.py"
        target = root / "student_edition" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markers.strip_python((ROOT / rel).read_text(), rel)[0])
    for fixture, lines in PROBA_BODIES.items():
        target = root / fixture / "classifiers" / "linear_classifier.py"
        target.parent.mkdir(parents=True)
        target.write_text(with_predict_proba(lines))
    return root


def submission(fixture):
    """The folder of a fixture: generated (above) or hand-written in tests/submissions/."""
    generated = generated_submissions() / fixture
    return generated if generated.exists() else SUBMISSIONS / fixture


@functools.lru_cache(maxsize=None)
def graded(fixture, function, accept_half_reg=False):
    """{test name: test} for one function of a fixture submission (graded once per session)."""
    options = grade.Options(accept_half_reg=accept_half_reg, limits=sandbox.Limits(timeout=10.0))
    result = grade.grade_one(submission(fixture), options, only={function})
    return {t["name"]: t for t in result["tests"]}


def full_marks(tests):
    return {name: t["output"] for name, t in tests.items() if t["score"] != t["max_score"]}


def test_this_repository_gets_full_marks(tmp_path):
    out = tmp_path / "results.json"
    assert grade.main([str(ROOT), "--json", str(out), "--quiet"]) == 0
    results = json.loads(out.read_text())
    wrong = {t["name"]: t["output"] for t in results["tests"] if t["score"] != t["max_score"]}
    assert wrong == {}
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) == 58
    functions = {t["name"].split(":")[0] for t in results["tests"]}
    assert {"softmax_loss_naive", "softmax_loss_vectorized", "svm_loss_naive", "svm_loss_vectorized",
            "train", "predict", "Softmax.predict_proba", "losses.softmax", "losses.log_softmax"} <= functions


def test_untouched_student_edition_scores_zero_on_every_function():
    result = grade.grade_one(submission("student_edition"), grade.Options())
    scored = [t for t in result["tests"] if t["max_score"] > 0]
    assert len(scored) == 50 and all(t["score"] == 0 for t in scored)
    assert all("not written yet" in t["output"] for t in scored), [t["output"] for t in scored]


@pytest.mark.slow
def test_released_edition_scores_zero_exactly_on_its_unwritten_functions(tmp_path):
    """`make submit` of an untouched edition: the functions cut out score 0, the rest as written."""
    from instructor import release
    from checks import submit
    edition = tmp_path / "edition"
    assert release.main([str(edition)]) == 0
    zip_path = tmp_path / "submission.zip"
    _, manifest = submit.build(edition, zip_path)
    result = grade.grade_one(zip_path, grade.Options())
    files = {"softmax": "classifiers/softmax.py", "svm": "classifiers/linear_svm.py",
             "train": "classifiers/linear_classifier.py", "predict": "classifiers/linear_classifier.py",
             "Softmax.predict_proba": "classifiers/linear_classifier.py",
             "losses.softmax": "classifiers/losses.py", "losses.log_softmax": "classifiers/losses.py"}
    for t in result["tests"]:
        function = t["name"].split(":")[0]
        if function == "notebook":      # no outputs yet: only the answers report, worth nothing
            assert t["max_score"] == 0, t
            continue
        path = files.get(function) or files[function.split("_")[0]]
        name = {"train": "LinearClassifier.train", "predict": "LinearClassifier.predict"}.get(function, function)
        name = name.replace("losses.", "")
        if path not in manifest["files"]:
            assert t["score"] == 0 and "not submitted" in t["output"], t
        else:
            pattern = re.escape(name) + r"( \(part \d+ of \d+\))? is not written yet"
            unwritten = re.search(pattern, (edition / path).read_text()) is not None
            assert t["score"] == (0 if unwritten else t["max_score"]), t


def test_public_check_inputs_are_never_the_grading_inputs():
    from checks.problems import problem
    public_W = problem()[0]
    for salt in (1, 2, 3, 4):
        for _, _, inputs in cases.loss_cases(cases.seeded(b"x" * 32, salt), salt % 2 == 0, "softmax"):
            assert inputs["W"].shape != public_W.shape or not np.allclose(inputs["W"], public_W)


def test_old_cs231n_layout_graded_with_shims_named():
    result = grade.grade_one(SUBMISSIONS / "cs231n_old", grade.Options())
    assert result["score"] == sum(t["max_score"] for t in result["tests"]) == 51
    assert "CS231n's assignment layout" in result["output"]
    naive = next(t for t in result["tests"] if t["name"] == "softmax_loss_naive: loss value")["output"]
    assert "past.builtins" in naive and "np.float" in naive
    svm = next(t for t in result["tests"] if t["name"] == "svm_loss_naive: loss value")["output"]
    assert "xrange (= range)" in svm and "past.builtins" not in svm


GRAD_ONLY = ["loss value"]
REG_ONLY = ["loss value", "gradient", "N = 1 and C other than 10", "float32 input", "stability with large scores"]
ALL_BUT_SPEED = ["loss value", "gradient", "regularization in the loss", "regularization in the gradient",
                 "stability with large scores", "inputs unmodified", "scalar loss and dW of W's shape",
                 "N = 1 and C other than 10", "float32 input"]
DIAGNOSES = [  # fixture, function, the test that fails, what its feedback says, tests that still pass
    ("reg_missing", NAIVE, "regularization in the loss", "is missing from the loss", REG_ONLY),
    ("reg_missing", NAIVE, "regularization in the gradient", "lacks the regularization", REG_ONLY),
    ("half_reg", NAIVE, "regularization in the loss", "0.5 * reg * np.sum(W * W) convention", REG_ONLY),
    ("half_reg", NAIVE, "regularization in the gradient", "the 0.5 * reg convention's", REG_ONLY),
    ("grad_reg_missing", VEC, "regularization in the gradient", "lacks the regularization's 2 * reg * W",
     REG_ONLY + ["regularization in the loss"]),
    # sum(W * W) without reg is there even when reg = 0: every value test names it
    ("reg_factor_dropped", NAIVE, "regularization in the loss", "the reg factor is dropped", ["inputs unmodified"]),
    ("reg_factor_dropped", NAIVE, "regularization in the gradient", "reg factor is dropped from the gradient",
     ["inputs unmodified"]),
    ("reg_factor_dropped", NAIVE, "loss value", "the reg factor is dropped", ["inputs unmodified"]),
    ("reg_over_n", VEC, "regularization in the loss", "the regularization is divided by N", REG_ONLY),
    ("reg_over_n", VEC, "regularization in the gradient", "regularization is divided by N", REG_ONLY),
    ("precedence", NAIVE, "regularization in the loss", "operator precedence", REG_ONLY),
    ("sum_not_mean", VEC, "loss value", "summed over the examples instead of averaged", ["gradient"]),
    ("grad_not_divided", NAIVE, "gradient", "the gradient is not divided by N", GRAD_ONLY),
    ("grad_sign", VEC, "gradient", "the gradient has the wrong sign", GRAD_ONLY),
    ("grad_transposed", VEC, "gradient", "the gradient is transposed", GRAD_ONLY),
    ("grad_transposed", VEC, "scalar loss and dW of W's shape", "(transposed?)", GRAD_ONLY),
    ("grad_zeros", NAIVE, "gradient", "the gradient is all zeros", GRAD_ONLY),
    ("onehot_missing", VEC, "gradient", "the one-hot term is missing", GRAD_ONLY),
    ("wrong_class", VEC, "loss value", "the wrong class is indexed", []),
    ("wrong_class", VEC, "gradient", "the wrong class is indexed", []),
    ("log10", NAIVE, "loss value", "log10 is used instead of the natural log", ["gradient"]),
    ("classes_from_max_y", NAIVE, "loss value", "max(y) + 1", []),
    ("classes_from_max_y", NAIVE, "gradient", "max(y) + 1", []),
    ("no_max_shift", VEC, "stability with large scores", "overflow", [t for t in ALL_BUT_SPEED if "stab" not in t]),
    ("modifies_input", VEC, "inputs unmodified", "modified its input X in place", []),
    ("per_example_loss", VEC, "scalar loss and dW of W's shape", "a per-example loss array", ["loss value", "gradient"]),
    ("loop_in_vectorized", VEC, "speed (no loop over examples)", "as with a Python loop over them (a loop at line 8)",
     ALL_BUT_SPEED),
    ("svm_half_reg", "svm_loss_naive", "regularization in the loss", "0.5 * reg * np.sum(W * W) convention", REG_ONLY),
    ("svm_onehot_missing", "svm_loss_vectorized", "gradient", "the one-hot term is missing", GRAD_ONLY),
]


@pytest.mark.parametrize("fixture, function, test, says, still_pass", DIAGNOSES,
                         ids=[f"{d[0]}-{d[2]}" for d in DIAGNOSES])
def test_buggy_submission_gets_its_mistake_named(fixture, function, test, says, still_pass):
    tests = graded(fixture, function)
    failed = tests[f"{function}: {test}"]
    assert failed["score"] == 0, failed
    assert says in failed["output"], failed["output"]
    if test in ("loss value", "gradient"):
        assert "For example, with W = " in failed["output"]       # the tiny counterexample, printed whole
    wrong = {name: out for name, out in full_marks(tests).items() if name.split(": ", 1)[1] in still_pass}
    assert wrong == {}
    for name, out in full_marks(tests).items():      # never "expected loss 3.38382, got 3.38382"
        assert not re.search(r"expected( \w+)? (\S+?),? got \2\b", out), (name, out)


def test_gradient_not_divided_by_n_costs_only_the_gradient_test():
    """Stability, float32 and N = 1 / C = 3 compare the submission with itself or set aside the
    mistake the gradient test charges, so one mistake costs its own test only."""
    tests = graded("grad_not_divided", NAIVE)
    assert set(full_marks(tests)) == {f"{NAIVE}: gradient"}
    assert "the gradient is not divided by N" in tests[f"{NAIVE}: N = 1 and C other than 10"]["output"]


def test_differ_names_the_quantity_and_tells_close_values_apart():
    from instructor.checks import differ
    assert differ("loss", 1.30420001, 1.30420002) == "loss expected 1.30420001, got 1.30420002"
    want = np.zeros((2, 3))
    got = want.copy()
    got[1, 2] = 0.5
    assert differ("dW", want, got) == "dW[1, 2] expected 0, got 0.5"
    assert differ("dW", want, got.T) == "dW of shape (2, 3) expected, of shape (3, 2) got"


def test_half_reg_convention_accepted_by_the_instructor_option():
    strict = full_marks(graded("half_reg", NAIVE))
    assert set(strict) == {f"{NAIVE}: regularization in the loss", f"{NAIVE}: regularization in the gradient"}
    assert full_marks(graded("half_reg", NAIVE, accept_half_reg=True)) == {}


@pytest.mark.parametrize("fixture, test, says, also_fails", [
    ("train_full_batch", "train: batch_size examples per step", "used 300 examples, expected batch_size = 17", []),
    ("train_fixed_lr", "train: uses the learning rate", "expected learning_rate = 0.005", []),
    ("train_no_history", "train: returns the loss history", "train must return the list of losses", []),
    ("predict_argmin", "predict: argmax of the scores", "This is np.argmin(scores, axis=1)", []),
    ("predict_axis0", "predict: argmax of the scores", "This is np.argmax(scores, axis=0)", []),
])
def test_buggy_classifier_named(fixture, test, says, also_fails):
    tests = graded(fixture, "LinearClassifier")
    assert tests[test]["score"] == 0 and says in tests[test]["output"], tests[test]
    if fixture == "predict_argmin":     # values differ: a few labels as integers, expected and got
        assert re.search(r"expected labels \[\d( \d)+\], got \[\d( \d)+\]", tests[test]["output"]), tests[test]
    if fixture == "predict_axis0":      # shapes differ: both shapes said, and no float labels shown
        assert "one label per example, shape (50,); got shape (4,)" in tests[test]["output"], tests[test]
    assert set(full_marks(tests)) == {test, *also_fails}


# ---------------------------------------------------------------- the parts, unit by unit

@pytest.mark.parametrize("kind, reference", [("softmax", softmax_loss_vectorized), ("svm", svm_loss_vectorized)])
def test_the_unmistaken_variant_is_the_reference(kind, reference):
    rng = np.random.default_rng(1)
    W, X, y = rng.standard_normal((5, 4)), rng.standard_normal((7, 5)), rng.integers(0, 4, 7)
    loss, dW = reference(W, X, y, 0.3)
    assert dict(diagnose.loss_variants(kind, W, X, y, 0.3))[()] == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(dict(diagnose.gradient_variants(kind, W, X, y, 0.3))[()], dW, rtol=1e-12)
    assert diagnose.name_loss(kind, W, X, y, 0.3, loss) == ()
    assert diagnose.name_gradient(kind, W, X, y, 0.3, dW) == ()
    assert diagnose.name_loss(kind, W, X, y, 0.3, loss + 1.234) is None


def test_inputs_are_fresh_per_submission_and_repeatable():
    first = cases.loss_cases(cases.seeded(b"a" * 32, 1), False, "softmax")
    again = cases.loss_cases(cases.seeded(b"a" * 32, 1), False, "softmax")
    other = cases.loss_cases(cases.seeded(b"b" * 32, 1), False, "softmax")
    for (name, _, a), (_, _, b), (_, _, c) in zip(first, again, other):
        assert all(np.array_equal(a[k], b[k]) for k in a), name
        assert not np.array_equal(a["W"], c["W"]), name
    tiny = first[0][2]
    assert tiny["y"].max() + 1 < tiny["W"].shape[1]       # so max(y) + 1 is caught


def test_regrade_gives_the_same_scores():
    once = grade.grade_one(SUBMISSIONS / "log10", grade.Options(), only={NAIVE})
    twice = grade.grade_one(SUBMISSIONS / "log10", grade.Options(), only={NAIVE})
    assert [(t["name"], t["score"], t["output"]) for t in once["tests"]] == \
        [(t["name"], t["score"], t["output"]) for t in twice["tests"]]


def test_csv_gradebook_for_several_submissions(tmp_path):
    book = tmp_path / "grades.csv"
    subs = [str(SUBMISSIONS / "cs231n_old"), str(SUBMISSIONS / "no_max_shift")]
    assert grade.main(subs + ["--csv", str(book), "--jobs", "2", "--quiet"]) == 0
    rows = [line.split(",") for line in book.read_text().splitlines()]
    header = rows[0]
    assert header[:2] == ["submission", "score"] and len(rows) == 3
    assert [r[1] for r in rows[1:]] == ["51.0", "11.0"]
    column = header.index("softmax_loss_vectorized: stability with large scores")
    assert [r[column] for r in rows[1:]] == ["1", "0"]


def test_json_refused_for_several_submissions(capsys):
    with pytest.raises(SystemExit):
        grade.main(["a", "b", "--json", "r.json"])
    assert "one results.json for one submission" in capsys.readouterr().err


# ---------------------------------------------------------------- notebook parts

def notebook(accuracy):
    cell = {"cell_type": "code", "metadata": {}, "source": ["best_val = -1\n", "for lr in learning_rates: ..."],
            "outputs": [{"output_type": "stream", "name": "stdout",
                         "text": [f"lr 1e-07 reg 2.5e+04 val accuracy: {accuracy - 0.02:f}\n",
                                  f"best validation accuracy achieved during cross-validation: {accuracy:f}\n"]}]}
    question = {"cell_type": "markdown", "metadata": {}, "source": ["**Inline Question 1**\n", "Why log(10)?"]}
    answer = {"cell_type": "markdown", "metadata": {}, "source": ["$\\color{blue}{\\textit Your Answer:}$ all ten "
                                                                 "classes are equally likely"]}
    return {"cells": [question, answer, cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.mark.parametrize("accuracy, verdict", [(0.391, "at least 0.35"), (0.301, "below 0.35")])
def test_notebook_search_accuracy_and_answers_report(tmp_path, accuracy, verdict):
    """The printed accuracy goes to the report for the manual grade: a stored output earns nothing."""
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "softmax.ipynb").write_text(json.dumps(notebook(accuracy)))
    answers = tmp_path / "answers"
    out = tmp_path / "results.json"
    assert grade.main([str(folder), "--json", str(out), "--answers", str(answers), "--quiet"]) == 0
    tests = {t["name"]: t for t in json.loads(out.read_text())["tests"]}
    search = tests["notebook: validation accuracy of the search"]
    assert search["score"] == search["max_score"] == 0 and f"{accuracy:.4f} ({verdict})" in search["output"]
    report = (answers / "sub.md").read_text()
    assert report.startswith(f"# {folder}\n")
    assert "Inline Question 1" in report and "all ten classes are equally likely" in report
    assert "1 of 1 answered" in report and "1 of 1 answered" in tests["notebook: inline answers"]["output"]


def test_answers_reports_are_named_after_their_submissions_and_count_unanswered(tmp_path):
    """Two submission.zip in students' folders: one report each, named by the path below their common
    parent; an answer cell left as the edition's "*Your answer:*" is not answered."""
    import zipfile
    from instructor.markers import YOUR_ANSWER
    nb = notebook(0.391)
    unanswered = {"cell_type": "markdown", "metadata": {"tags": ["answer"]}, "source": [YOUR_ANSWER]}
    nb["cells"] += [{"cell_type": "markdown", "metadata": {}, "source": ["### Inline question 2\n", "Why?"]},
                    unanswered]
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
    assert report.split("## Inline question 2", 1)[1].strip().startswith("(not answered)")


@pytest.mark.slow
def test_bench_grade_runs_and_reports(capsys):
    import runpy
    bench = runpy.run_path(str(ROOT / "benchmarks" / "bench_grade.py"))
    figures = bench["main"](["--count", "5", "--jobs", "2"])
    out = capsys.readouterr().out
    assert "100 submissions with --jobs 2 (extrapolated)" in out
    assert figures["batch"] > 0 and figures["per"] == pytest.approx(figures["batch"] / 5)
    # the fifth carries log10 in softmax_loss_naive: its loss value test fails, and only it
    assert "student004: 49 / 51" in out


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
    """log_softmax of losses.py is an exercise: the student's own, or the edition's stub."""
    (tmp_path / "classifiers").mkdir()
    (tmp_path / "classifiers" / "softmax.py").write_text(USES_LOSSES)
    if with_losses:
        (tmp_path / "classifiers" / "losses.py").write_bytes((ROOT / "classifiers" / "losses.py").read_bytes())
    tests = grade.grade_one(tmp_path, grade.Options(), only={VEC})["tests"]
    if with_losses:
        assert full_marks({t["name"]: t for t in tests}) == {}
    else:
        assert all(t["score"] == 0 and "log_softmax" in t["output"] and "is not written yet" in t["output"]
                   for t in tests), tests


def test_bad_arguments_and_missing_submission(capsys):
    with pytest.raises(SystemExit):
        grade.main(["x", "--jobs", "0"])
    assert "--jobs must be a positive integer, got 0" in capsys.readouterr().err
    result = grade.grade_one("no/such/folder", grade.Options())
    assert result["score"] == 0 and "no submission at no/such/folder" in result["output"]


def test_files_not_submitted_score_zero_with_their_reason():
    result = grade.grade_one(SUBMISSIONS / "log10", grade.Options(), only={"svm_loss_naive", "LinearClassifier"})
    assert len(result["tests"]) == 9 + 5
    for t in result["tests"]:
        assert t["score"] == 0 and t["output"].startswith("not submitted (classifiers/"), t


def test_unreadable_submission_exits_2_and_the_others_are_still_graded(tmp_path, capsys):
    good = tmp_path / "good"
    good.mkdir()
    (good / "softmax.ipynb").write_text(json.dumps(notebook(0.391)))
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


EXTRA = [  # fixture, function graded, the test that fails, what its feedback says, the test that still passes
    # one mistake costs one test: stability compares the submission with itself on unshifted inputs
    ("proba_no_shift", "Softmax.predict_proba", "stability with large scores", "no max shift",
     "rows are softmax(X @ W)"),
    ("proba_axis0", "Softmax.predict_proba", "rows are softmax(X @ W)", "normalised over the wrong axis",
     "stability with large scores"),
    ("losses_no_shift", "losses.softmax", "stability with large inputs", "no max shift", "values along dim"),
    ("losses_no_shift", "losses.log_softmax", "stability with large inputs", "no max shift", "values along dim"),
    ("losses_wrong_axis", "losses.softmax", "values along dim", "normalised over axis 0 instead of dim",
     "stability with large inputs"),
    ("log_of_softmax", "losses.log_softmax", "no underflow to -inf", "computed as np.log(softmax(x))",
     "values along dim"),
]


@pytest.mark.parametrize("fixture, function, test, says, passes", EXTRA, ids=[f"{e[0]}-{e[1]}" for e in EXTRA])
def test_softmax_extras_get_their_mistake_named(fixture, function, test, says, passes):
    tests = graded(fixture, function)
    failed = tests[f"{function}: {test}"]
    assert failed["score"] == 0 and says in failed["output"], failed
    if passes:
        assert tests[f"{function}: {passes}"]["score"] == 1, tests[f"{function}: {passes}"]


def test_cs231n_layout_is_graded_without_the_extras():
    """No losses.py and no predict_proba: those parts do not apply, and cost nothing."""
    names = {t["name"].split(":")[0] for t in grade.grade_one(SUBMISSIONS / "cs231n_old", grade.Options())["tests"]}
    assert not names & {"Softmax.predict_proba", "losses.softmax", "losses.log_softmax"}


def test_a_missing_function_is_named_missing_from_its_file(tmp_path):
    (tmp_path / "classifiers").mkdir()
    naive = (ROOT / "classifiers" / "softmax.py").read_text().split("def softmax_loss_vectorized")[0]
    (tmp_path / "classifiers" / "softmax.py").write_text(naive)
    (tmp_path / "classifiers" / "losses.py").write_text("import numpy as np\n\n\ndef softmax(input, dim):\n"
                                                       "    return np.exp(input)\n")
    tests = grade.grade_one(tmp_path, grade.Options(), only={VEC, "losses.log_softmax"})["tests"]
    outputs = {t["name"].split(":")[0]: t["output"] for t in tests}
    assert outputs[VEC] == "softmax_loss_vectorized is missing from classifiers/softmax.py"
    assert outputs["losses.log_softmax"] == "log_softmax is missing from classifiers/losses.py"
    assert all(t["score"] == 0 for t in tests)
