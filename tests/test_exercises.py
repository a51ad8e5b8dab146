"""The exercise definitions (assignment_checks/exercises/): one per exercise, their answers are the solution's, their
cases fresh per submission, and every region a student writes belongs to one of them."""
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assignment_checks.exercises import EXERCISES, by_name, discover, linear_classifier as lc_defs, linear_losses
from assignment_checks.framework import Exercise
from assignment_checks.local import expected_answers, public_rng
from classifiers import losses
from classifiers.linear_classifier import Softmax
from classifiers.linear_svm import svm_loss_vectorized
from classifiers.softmax import softmax_loss_vectorized
from instructor.context import seeded
from instructor.markers import strip_notebook, strip_python

ROOT = Path(__file__).resolve().parent.parent
GRADED = [e for e in EXERCISES if e.answers is not None]


def right(exercise, case):
    return {key: dict(found)[()] for key, found in exercise.answers(case).items()}


@pytest.mark.parametrize("name, reference", [("softmax_loss_naive", softmax_loss_vectorized),
                                             ("svm_loss_vectorized", svm_loss_vectorized)])
def test_the_unmistaken_loss_is_the_solutions(name, reference):
    exercise = by_name(name)
    for case in exercise.cases(seeded(b"q" * 32, exercise), False):
        if not exercise.answers(case):
            continue
        p = case.inputs
        loss, dW = reference(p["W"].astype(float), p["X"].astype(float), p["y"], float(p["reg"]))
        got = right(exercise, case)
        assert got["loss"] == pytest.approx(loss, rel=1e-12), case.name
        if "dW" in got:          # a timed case has its loss judged only
            np.testing.assert_allclose(got["dW"], dW, rtol=1e-10, atol=1e-13, err_msg=case.name)


def test_the_unmistaken_probabilities_and_activations_are_the_solutions():
    proba = by_name("Softmax.predict_proba")
    for case in proba.cases(seeded(b"q" * 32, proba), False):
        np.testing.assert_allclose(right(proba, case)["proba"], Softmax(case.inputs["W"]).predict_proba(case.inputs["X"]))
    for name in ("losses.softmax", "losses.log_softmax"):
        exercise = by_name(name)
        function = getattr(losses, name.split(".")[1])
        for case in exercise.cases(seeded(b"q" * 32, exercise), False):
            x, dim = case.inputs["x"], case.options["dim"]
            want = right(exercise, case)
            if case.options.get("grad"):
                y, dx = function(x, dim, return_grad=True, grad_output=case.inputs["g"])
                np.testing.assert_allclose(want["dx"], dx, rtol=1e-10, atol=1e-12)
            else:
                y = function(x, dim)
            np.testing.assert_allclose(want["y"], y, rtol=1e-10, atol=1e-300)


def test_every_loss_mistake_has_its_words_and_the_combinations_are_told_apart():
    exercise = by_name("softmax_loss_naive")
    case = next(c for c in exercise.cases(seeded(b"q" * 32, exercise), False) if c.name == "tiny_reg")
    answers = exercise.answers(case)
    labels = {label for found in answers.values() for names, _ in found for label in names}
    assert labels <= set(exercise.mistakes)
    # on the tiny case with reg > 0 (and a class no label takes), no two single mistakes give the same answer
    for key, found in answers.items():
        singles = [value for names, value in found if len(names) <= 1]
        for i, a in enumerate(singles):
            assert not any(np.allclose(a, b) for b in singles[i + 1:]), key


def test_hidden_cases_are_fresh_per_submission_and_repeatable():
    exercise = by_name("softmax_loss_naive")
    first = exercise.cases(seeded(b"a" * 32, exercise), False)
    again = exercise.cases(seeded(b"a" * 32, exercise), False)
    other = exercise.cases(seeded(b"b" * 32, exercise), False)
    for a, b, c in zip(first, again, other):
        assert all(np.array_equal(a.inputs[k], b.inputs[k]) for k in a.inputs), a.name
        assert not np.array_equal(a.inputs["W"], c.inputs["W"]), a.name
    tiny = first[0].inputs
    assert tiny["y"].max() + 1 < tiny["W"].shape[1]       # so max(y) + 1 is caught
    assert all(c.inputs["W"].shape[0] != c.inputs["W"].shape[1] for c in first)     # so a transposed dW is


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.cases], ids=lambda e: e.name)
def test_public_inputs_are_never_the_grading_inputs(exercise):
    public = exercise.cases(public_rng(exercise), True)
    for digest in (b"x" * 32, b"y" * 32):
        for hidden in exercise.cases(seeded(digest, exercise), False):
            for case in public:
                same = [k for k, v in case.inputs.items() if np.ndim(v) and v.dtype.kind == "f" and k in hidden.inputs
                        and np.shape(v) == np.shape(hidden.inputs[k]) and np.array_equal(v, hidden.inputs[k])]
                assert not same, (exercise.name, case.name, hidden.name, same)


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if any(p.vouched_by for p in e.properties)],
                         ids=lambda e: e.name)
def test_every_case_vouching_for_a_form_has_answers_public_and_hidden(exercise):
    """A property about form is credited by the values of the cases it names: each of them has answers, in
    expected.json for `make check` and from the definition for the grader; and the solution is credited."""
    stored = expected_answers()[exercise.key]
    hidden = {case.name: case for case in exercise.cases(seeded(b"v" * 32, exercise), False)}
    for prop in exercise.properties:
        for name in prop.vouched_by:
            assert stored.get(name) and exercise.answers(hidden[name]), (prop.name, name)


def test_train_records_with_a_loss_that_is_not_the_softmax():
    W = np.random.default_rng(0).standard_normal((5, 3))
    X, y = np.random.default_rng(1).standard_normal((7, 5)), np.array([0, 1, 2, 0, 1, 2, 0])
    loss, grad = lc_defs.least_squares(W, X, y, 0.1)
    assert loss != pytest.approx(softmax_loss_vectorized(W, X, y, 0.1)[0])
    eps = 1e-6
    E = np.zeros_like(W)
    E[2, 1] = eps
    numerical = (lc_defs.least_squares(W + E, X, y, 0.1)[0] - lc_defs.least_squares(W - E, X, y, 0.1)[0]) / (2 * eps)
    assert grad[2, 1] == pytest.approx(numerical, rel=1e-6)


def test_the_speed_baseline_computes_no_loss():
    exercise = by_name("softmax_loss_vectorized")
    case = next(c for c in exercise.cases(seeded(b"q" * 32, exercise), False) if c.options.get("timed"))
    out = linear_losses.baseline(case)
    p = case.inputs
    dW = softmax_loss_vectorized(p["W"], p["X"], p["y"], float(p["reg"]))[1]
    assert np.shape(out) == np.shape(dW) and not np.allclose(out, dW)


# ---------------------------------------------------------------- one definition per exercise

def regions(path):
    """The exercises that the solution's markers make of ``path``."""
    text = (ROOT / path).read_text()
    return (strip_python(text, path) if path.endswith(".py") else strip_notebook(text, path))[1]


def test_every_region_a_student_writes_belongs_to_a_defined_exercise():
    """Release cuts out regions; each one a student writes in a module is an exercise defined once, and
    every notebook holding regions has its exercises defined."""
    defined = {(e.path, e.function) for e in EXERCISES}
    paths = sorted({p.relative_to(ROOT).as_posix() for folder in ("classifiers", "notebooks")
                    for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".ipynb")})
    for path in paths:
        found = regions(path)
        if path.endswith(".py"):
            assert {(path, name) for name in found} <= defined, path
        elif found:
            assert any(e.path == path for e in EXERCISES), path
    assert len({e.name for e in EXERCISES}) == len(EXERCISES)


def test_the_machinery_names_no_exercise_outside_its_definition():
    """Release, the checks, the grader, the hand-in and the answers report read the definitions: no
    exercise's function name appears in instructor/, assignment_checks/ (but assignment_checks/exercises/ and the stored
    answers), the Makefile or the set-up files, so adding an exercise touches its definition only."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    machinery = [f for f in tracked if re.match(r"^(instructor/|assignment_checks/|Makefile$|setup\.cfg$|\.ci/)", f)
                 and not re.match(r"^(assignment_checks/exercises/|assignment_checks/expected\.json$|instructor/edition/)", f)]
    assert "instructor/grade.py" in machinery and "assignment_checks/local.py" in machinery
    for exercise in EXERCISES:
        name = exercise.function
        if exercise.module and ("_" in name or "." in name):      # "softmax" alone is an ordinary word
            pattern = re.compile(rf"\b{re.escape(name)}\b")
            outside = [f for f in machinery if pattern.search((ROOT / f).read_text(errors="replace"))]
            assert outside == [], (exercise.name, outside)


def made_up(name, step=None):
    return f"Exercise(name={name!r}, path='x.py', function={name!r}, call=None, cases=None, properties=[], step={step})"


def test_the_list_of_exercises_is_found_from_the_modules_in_the_order_of_their_steps(tmp_path, monkeypatch):
    """A package of exercise modules, none of them named in a list: each module's exercises come at its STEP,
    an exercise with a step of its own at that step, in the module's order within one step; an exercise
    whose place is declared nowhere is named."""
    package = tmp_path / "made_up_exercises"
    package.mkdir()
    (package / "__init__.py").write_text("")
    head = "from assignment_checks.framework import Exercise\n"
    (package / "a_late.py").write_text(head + f"STEP = 30\nEXERCISES = [{made_up('third')}, {made_up('fourth')}]\n")
    (package / "b_early.py").write_text(head + f"STEP = 10\nEXERCISES = [{made_up('first')}]\n")
    (package / "c_steps.py").write_text(head + f"EXERCISES = [{made_up('last', 40)}, {made_up('second', 20)}]\n")
    (package / "helpers.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert [e.name for e in discover("made_up_exercises")] == ["first", "second", "third", "fourth", "last"]
    (package / "d_nowhere.py").write_text(head + f"EXERCISES = [{made_up('lost')}]\n")
    with pytest.raises(ValueError, match="lost has no place"):
        discover("made_up_exercises")
    for name in [m for m in sys.modules if m.startswith("made_up_exercises")]:
        monkeypatch.delitem(sys.modules, name)


def test_every_exercise_module_is_in_the_list():
    """assignment_checks/exercises/: every exercise each module defines is in EXERCISES, once."""
    for info in pkgutil.iter_modules([str(ROOT / "assignment_checks/exercises")]):
        module = importlib.import_module(f"assignment_checks.exercises.{info.name}")
        for exercise in getattr(module, "EXERCISES", ()):
            assert isinstance(exercise, Exercise) and sum(e is exercise for e in EXERCISES) == 1, exercise.name
