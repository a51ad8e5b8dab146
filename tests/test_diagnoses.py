"""Every hand-written buggy submission in tests/submissions/ (and the ones made from the solution's files
when the tests run): the grader fails exactly the tests its mistake costs and names the mistake, and
`make check` in a student edition holding the same files fails the same properties in the same words."""
import atexit
import os
import functools
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from assignment_checks.exercises import by_name
from instructor import grade, markers, release, sandbox, submission

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
NAIVE, VEC = "softmax_loss_naive", "softmax_loss_vectorized"
SHAPES, SPEED = "scalar loss and dW of W's shape", "speed (no loop over examples)"
REG_LOSS, REG_GRAD = "regularization in the loss", "regularization in the gradient"
NOT_TIMED = "not timed while another property fails"     # speed is judged once every other property holds
KNN_TWO, KNN_NO = "KNearestNeighbor.compute_distances_two_loops", "KNearestNeighbor.compute_distances_no_loops"
KNN_LABELS, KNN_TIES = "KNearestNeighbor.predict_labels", "ties broken toward the smaller label"
KNN_NAN, KNN_SPEED_ROWS = "no NaN where a test point equals a training point", "speed (no loop over test points)"
FIRST, STEPS = "the first step", "three steps, the state carried"      # the update rules' properties
NOT_CARRIED = "the state is not carried to the next call"

DIAGNOSES = [  # fixture, exercise, {each test that fails: what its feedback says}; every other test passes
    ("classes_from_max_y", NAIVE, {"loss value": "max(y) + 1", "gradient": "max(y) + 1"}),
    ("grad_not_divided", NAIVE, {"gradient": "the gradient is not divided by N"}),
    ("grad_reg_missing", VEC, {REG_GRAD: "lacks the regularization term's gradient", SPEED: NOT_TIMED}),
    ("grad_sign", VEC, {"gradient": "the gradient has the wrong sign", SPEED: NOT_TIMED}),
    ("grad_transposed", VEC, {"gradient": "the gradient is transposed", SHAPES: "(transposed?)", SPEED: NOT_TIMED}),
    ("grad_zeros", NAIVE, {"gradient": "the gradient is all zeros", REG_GRAD: "the gradient is all zeros"}),
    ("half_reg", NAIVE, {REG_LOSS: "0.5 * reg * np.sum(W * W) convention", REG_GRAD: "the 0.5 * reg convention's"}),
    ("half_reg_unpaired", NAIVE, {REG_LOSS: "0.5 * reg * np.sum(W * W) convention"}),
    ("log10", NAIVE, {"loss value": "log10 is used instead of the natural log"}),
    ("loop_in_vectorized", VEC, {SPEED: "as with a Python loop over them (a loop at line 8)"}),
    ("modifies_input", VEC, {"inputs unmodified": "modified its input X in place", "loss value": "wrong loss",
                             "gradient": "wrong gradient", "stability with large scores": "not credited",
                             "N = 1 and C other than 10": "wrong loss", "float32 input": "not credited",
                             SPEED: NOT_TIMED, SHAPES: "not credited"}),
    ("no_max_shift", VEC, {"stability with large scores": "overflow", SPEED: NOT_TIMED}),
    ("onehot_missing", VEC, {"gradient": "the one-hot term is missing", SPEED: NOT_TIMED}),
    ("per_example_loss", VEC, {SHAPES: "a per-example loss array", SPEED: NOT_TIMED}),
    ("loss_one_by_one", VEC, {SHAPES: "an array of shape (1, 1) holding one number, not a scalar", SPEED: NOT_TIMED}),
    ("precedence", NAIVE, {REG_LOSS: "operator precedence"}),
    # sum(W * W) without reg is there even when reg = 0: every value test names it
    ("reg_factor_dropped", NAIVE, {"loss value": "the reg factor is dropped", "gradient": "reg factor is dropped",
                                   REG_LOSS: "the reg factor is dropped", REG_GRAD: "the reg factor is dropped",
                                   "stability with large scores": "must leave the loss unchanged"}),
    ("reg_missing", NAIVE, {REG_LOSS: "is missing from the loss", REG_GRAD: "lacks the regularization"}),
    ("reg_sum_squared", NAIVE, {REG_LOSS: "squares the sum of W's entries",
                                REG_GRAD: "the same in every entry"}),
    ("reg_over_n", VEC, {REG_LOSS: "the regularization is divided by N", REG_GRAD: "regularization is divided by N",
                          SPEED: NOT_TIMED}),
    ("sum_not_mean", VEC, {"loss value": "summed over the examples instead of averaged",
                            SPEED: NOT_TIMED}),
    ("svm_half_reg", "svm_loss_naive", {REG_LOSS: "0.5 * reg * np.sum(W * W) convention",
                                        REG_GRAD: "the 0.5 * reg convention's"}),
    ("svm_onehot_missing", "svm_loss_vectorized", {"gradient": "the one-hot term is missing", SPEED: NOT_TIMED}),
    ("wrong_class", VEC, {"loss value": "the wrong class is indexed", "gradient": "the wrong class is indexed",
                          SPEED: NOT_TIMED}),
    ("train_full_batch", "LinearClassifier.train",
     {"random minibatches of batch_size examples": "used 300 examples, expected batch_size = 17"}),
    ("train_same_batch", "LinearClassifier.train",
     {"random minibatches of batch_size examples": "all used the same minibatch"}),
    ("train_fixed_lr", "LinearClassifier.train", {"uses the learning rate": "expected learning_rate = 0.01"}),
    ("train_no_history", "LinearClassifier.train", {"returns the loss history": "train must return the list of losses"}),
    ("predict_argmin", "LinearClassifier.predict", {"argmax of the scores": "the class with the lowest score"}),
    ("predict_axis0", "LinearClassifier.predict",
     {"argmax of the scores": "one label per example, shape (50,); got shape (4,)"}),
    ("proba_no_shift", "Softmax.predict_proba", {"stability with large scores": "overflow"}),
    ("proba_axis0", "Softmax.predict_proba", {"rows are softmax(X @ W)": "normalised over the wrong axis"}),
    ("losses_no_shift", "losses.softmax", {"stability with large inputs": "overflow"}),
    ("losses_no_shift", "losses.log_softmax", {"stability with large inputs": "overflow"}),
    ("losses_wrong_axis", "losses.softmax", {"values along dim": "normalised over the wrong axis",
                                             "gradient": "the output itself is wrong"}),
    ("losses_grad_no_sum", "losses.softmax", {"gradient": "leaves out the sum along dim"}),
    ("log_of_softmax", "losses.log_softmax", {"no underflow to -inf": "computed as np.log(softmax(x))"}),
    ("cell_not_divided", 'the code under "The gradient by hand"',
     {"the gradient by hand": "the gradient is not divided by N"}),
    # the two-layer network
    ("affine_dx_flat", "affine_backward", {"dx": "dx is left flat"}),
    ("affine_dw_transposed", "affine_backward", {"dw": "dw is transposed"}),
    ("affine_db_not_summed", "affine_backward", {"db": "db is not summed over the examples"}),
    ("relu_pass_negative", "relu_backward", {"dx": "passed where the input is negative too"}),
    ("relu_output_values", "relu_backward", {"dx": "times the ReLU's output values"}),
    ("scores_grad_not_divided", "softmax_loss", {"dx": "the gradient is not divided by N"}),
    ("net_reg_missing_W2", "TwoLayerNet.loss", {"loss with regularization": "the regularization of W2 is missing",
                                                "gradients": "the regularization of W2 is missing"}),
    ("net_reg_biases", "TwoLayerNet.loss", {"loss with regularization": "the biases are regularized too",
                                            "gradients": "the biases are regularized too"}),
    ("net_no_half", "TwoLayerNet.loss", {"loss with regularization": "the 0.5 of CS231n's network convention",
                                         "gradients": "the 0.5 of CS231n's network convention"}),
    ("net_scores_not_divided", "TwoLayerNet.loss", {"gradients": "the gradient of the scores is not divided by N"}),
    ("sgd_uphill", "sgd", {"one step": "the step goes up the gradient"}),
    # k-nearest neighbours
    ("knn_l1", KNN_TWO, {"distances": "the L1 distance"}),
    ("knn_not_squared", KNN_TWO, {"distances": "the differences are summed without being squared"}),
    ("knn_squared", KNN_NO, {"distances": "the square root is missing", KNN_SPEED_ROWS: NOT_TIMED}),
    ("knn_transposed", KNN_NO, {"distances": "the matrix is transposed", KNN_SPEED_ROWS: NOT_TIMED}),
    ("knn_nan", KNN_NO, {KNN_NAN: "rounding leaves the squared distance a tiny number below 0",
                         KNN_SPEED_ROWS: NOT_TIMED}),
    ("knn_loop_in_no_loops", KNN_NO, {KNN_SPEED_ROWS: "as with a Python loop over them (a loop at line 10)"}),
    ("knn_two_loops_in_one_loop", "KNearestNeighbor.compute_distances_one_loop",
     {"speed (no loop over training points)": "as with a Python loop over them (a loop at line 10, 11)"}),
    ("knn_farthest", KNN_LABELS, {"the nearest neighbour's label (k = 1)": "the farthest training points"}),
    ("knn_axis0", KNN_LABELS, {"the nearest neighbour's label (k = 1)": "along the wrong axis"}),
    ("knn_indices", KNN_LABELS, {"the nearest neighbour's label (k = 1)": "the indices of the nearest"}),
    ("knn_k_ignored", KNN_LABELS, {"the most common label of the k nearest": "k is ignored"}),
    ("knn_ties_larger", KNN_LABELS, {KNN_TIES: "a tie between labels goes to the larger label"}),
    ("knn_ties_nearest", KNN_LABELS, {KNN_TIES: "goes to the label of the nearer training point"}),
    # FullyConnectedNet and the update rules
    ("fc_relu_last", "FullyConnectedNet.loss", {"scores": "the last layer has a ReLU too",
                                                "loss with regularization": "the last layer has a ReLU too",
                                                "gradients": "the last layer has a ReLU too"}),
    ("fc_reg_last_only", "FullyConnectedNet.loss", {"loss with regularization": "only the last weight matrix",
                                                    "gradients": "only the last weight matrix"}),
    ("fc_reg_last_missing", "FullyConnectedNet.loss", {"loss with regularization": "the last weight matrix is not",
                                                       "gradients": "the last weight matrix is not"}),
    ("momentum_velocity_sign", "sgd_momentum", {FIRST: "the velocity has the opposite sign",
                                                STEPS: "the velocity has the opposite sign"}),
    ("momentum_state_not_carried", "sgd_momentum", {STEPS: NOT_CARRIED}),
    ("rmsprop_decay_swapped", "rmsprop", {FIRST: "decay_rate weighs the new squared gradient",
                                          STEPS: "decay_rate weighs the new squared gradient"}),
    ("rmsprop_eps_inside", "rmsprop", {FIRST: "epsilon is inside the square root",
                                       STEPS: "epsilon is inside the square root"}),
    ("rmsprop_state_not_carried", "rmsprop", {STEPS: NOT_CARRIED}),
    ("adam_no_bias_correction", "adam", {FIRST: "the bias correction is missing",
                                         STEPS: "the bias correction is missing"}),
    ("adam_t_after", "adam", {FIRST: "t is not incremented before the bias correction uses it",
                              STEPS: "t is not incremented before the bias correction uses it"}),
    ("adam_eps_inside", "adam", {FIRST: "epsilon is inside the square root", STEPS: "epsilon is inside the square root"}),
    ("adam_state_not_carried", "adam", {STEPS: NOT_CARRIED}),
]

# Made from the solution's own files when the tests run, so they never go stale: LinearClassifier and
# TwoLayerNet.loss with one mistake in an otherwise solved file, and cross_entropy.ipynb's gradient cell.
PROBA_BODIES = {
    "proba_no_shift": ["S = np.exp(self.scores(X))  # no max shift",
                       "return S / S.sum(axis=1, keepdims=True)"],
    "proba_axis0": ["S = self.scores(X)",
                    "S = np.exp(S - S.max(axis=1, keepdims=True))",
                    "return S / S.sum(axis=0, keepdims=True)  # the wrong axis"],
}
CELL_BODIES = {"cell_not_divided": "p = L.softmax(logits, 1)\nonehot = np.eye(3)[targets]\nby_hand = p - onehot\n"}
# LinearClassifier: (function, its region, the lines in its place) with one mistake each
CLASSIFIER_BODIES = {
    "train_full_batch": ("train", 0, 12, ["batch = np.arange(num_train)  # bug: the whole training set every step",
                                          "X_batch, y_batch = X[batch], y[batch]"]),
    "train_same_batch": ("train", 0, 12, ["batch = np.arange(batch_size)  # bug: the same first rows at every step",
                                          "X_batch, y_batch = X[batch], y[batch]"]),
    "train_fixed_lr": ("train", 1, 12, ["self.W = self.W - 1e-3 * grad  # bug: a fixed step, not learning_rate"]),
    "predict_argmin": ("predict", 0, 8, ["return np.argmin(self.scores(X), axis=1)  # bug: argmin"]),
    "predict_axis0": ("predict", 0, 8, ["return np.argmax(self.scores(X), axis=0).astype(float)  # bug: over the "
                                        "examples, as floats"]),
}
# TwoLayerNet.loss's second part (the loss and the backward pass), with one mistake each
NET_BACKWARD = ["dhidden, grads['W2'], grads['b2'] = affine_backward(dscores, scores_cache)",
                "_, grads['W1'], grads['b1'] = affine_relu_backward(dhidden, hidden_cache)"]
NET_BODIES = {
    "net_reg_missing_W2": ["loss, dscores = softmax_loss(scores, y)",
                           "loss += 0.5 * self.reg * np.sum(W1 * W1)  # W2 forgotten", *NET_BACKWARD,
                           "grads['W1'] += self.reg * W1"],
    "net_reg_biases": ["loss, dscores = softmax_loss(scores, y)",
                       "loss += 0.5 * self.reg * sum(np.sum(p * p) for p in (W1, b1, W2, b2))", *NET_BACKWARD,
                       "for k, p in (('W1', W1), ('b1', b1), ('W2', W2), ('b2', b2)):",
                       "    grads[k] += self.reg * p"],
    "net_no_half": ["loss, dscores = softmax_loss(scores, y)",
                    "loss += self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))", *NET_BACKWARD,
                    "grads['W1'] += 2 * self.reg * W1", "grads['W2'] += 2 * self.reg * W2"],
    "net_scores_not_divided": ["loss, dscores = softmax_loss(scores, y)",
                               "loss += 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))",
                               "dscores = dscores * X.shape[0]  # the 1/N undone", *NET_BACKWARD,
                               "grads['W1'] += self.reg * W1", "grads['W2'] += self.reg * W2"],
}

def with_region(text, function, lines, indent=8, part=0):
    """``text`` with solution region ``part`` (0: the first) of ``function`` replaced by ``lines``."""
    at = text.index(f"def {function}")
    for _ in range(part + 1):
        at = text.index("# BEGIN SOLUTION", at + 1)
    begin = text.rindex("\n", 0, at) + 1
    end = text.index("# END SOLUTION\n", at) + len("# END SOLUTION\n")
    return text[:begin] + "".join(" " * indent + line + "\n" for line in lines) + text[end:]


def with_cell(body):
    nb = json.loads((ROOT / "notebooks/cross_entropy.ipynb").read_text())
    for cell in nb["cells"]:
        if "# BEGIN SOLUTION" in markers._source(cell):
            text = markers._source(cell)
            start, end = text.index("# BEGIN SOLUTION"), text.index("# END SOLUTION\n") + len("# END SOLUTION\n")
            cell["source"] = text[:start] + body + text[end:]
    return json.dumps(nb)


@functools.lru_cache(maxsize=None)
def made():
    root = Path(tempfile.mkdtemp(prefix="fixtures-"))
    atexit.register(shutil.rmtree, root, True)
    for fixture, lines in PROBA_BODIES.items():
        target = root / fixture / "classifiers" / "linear_classifier.py"
        target.parent.mkdir(parents=True)
        target.write_text(with_region((ROOT / "classifiers/linear_classifier.py").read_text(), "predict_proba", lines))
    solution = (ROOT / "classifiers/linear_classifier.py").read_text()
    bodies = {fixture: with_region(solution, function, lines, indent, part)
              for fixture, (function, part, indent, lines) in CLASSIFIER_BODIES.items()}
    bodies["train_no_history"] = solution.replace("        return loss_history\n",
                                                  "        # bug: the history is never returned\n", 1)
    for fixture, text in bodies.items():
        (root / fixture / "classifiers").mkdir(parents=True)
        (root / fixture / "classifiers/linear_classifier.py").write_text(text)
    for fixture, lines in NET_BODIES.items():
        (root / fixture / "classifiers").mkdir(parents=True)
        net = with_region((ROOT / "classifiers/fc_net.py").read_text(), "loss", lines, part=1)
        (root / fixture / "classifiers/fc_net.py").write_text(net)
        shutil.copy(ROOT / "classifiers/layers.py", root / fixture / "classifiers/layers.py")
    for fixture, body in CELL_BODIES.items():
        (root / fixture / "notebooks").mkdir(parents=True)
        (root / fixture / "notebooks/cross_entropy.ipynb").write_text(with_cell(body))
        (root / fixture / "classifiers").mkdir()
        shutil.copy(ROOT / "classifiers/activations.py", root / fixture / "classifiers/activations.py")
    return root


def fixture_path(fixture):
    generated = made() / fixture
    return generated if generated.exists() else SUBMISSIONS / fixture


@functools.lru_cache(maxsize=None)
def graded(fixture, exercise, accept_half_reg=False):
    """{test: output} of the tests one exercise of a fixture fails, and how many it has."""
    options = grade.Options(accept_half_reg=accept_half_reg, limits=sandbox.Limits(timeout=10.0))
    tests = grade.grade_one(fixture_path(fixture), options, only={exercise})["tests"]
    failed = {t["name"][len(exercise) + 2:]: t["output"] for t in tests if t["score"] < t["max_score"]}
    return failed, len(tests)


@functools.lru_cache(maxsize=1)
def edition():
    folder = Path(tempfile.mkdtemp(prefix="edition-"))
    atexit.register(shutil.rmtree, folder, True)
    release.release(folder / "edition")
    return folder / "edition"


def checked(fixture, exercise):
    """{property: message} of the properties `python -m assignment_checks` fails, in an edition holding the fixture."""
    folder = Path(tempfile.mkdtemp(prefix="student-"))
    try:
        shutil.copytree(edition(), folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.npz", "datasets"))
        for path, data in submission.load(fixture_path(fixture)).files.items():
            # a fixture holds the function it gets wrong: the rest of its file is the edition's
            base = (folder / path).read_bytes() + b"\n\n" if path.endswith(".py") else b""
            (folder / path).write_bytes(base + data)
        out = subprocess.run([sys.executable, "-m", "assignment_checks", exercise], cwd=folder, capture_output=True,
                             text=True).stdout
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    failed, current = {}, None
    for line in out.splitlines():
        if line.startswith("    FAIL  "):
            current, _, message = line[len("    FAIL  "):].partition(": ")
            failed[current] = message
        elif line.startswith("          ") and current:
            failed[current] += "\n" + line.strip()
        else:
            current = None
    assert failed or "[ok]" in out, out
    return failed


def words(text):
    """Feedback without its numbers and counterexample: what it says, to compare the two."""
    return re.sub(r"\s*([,\]])", r"\1", re.sub(r"\s+", " ", re.sub(r"-?\d+(\.\d+)?(e[-+]?\d+)?", "#", text.split(" For example")[0])))


@pytest.mark.parametrize("fixture, exercise, fails", DIAGNOSES, ids=[f"{d[0]}-{d[1][:30]}" for d in DIAGNOSES])
def test_the_grader_names_the_mistake_and_charges_its_tests_only(fixture, exercise, fails):
    failed, count = graded(fixture, exercise)
    assert set(failed) == set(fails), failed
    for test, says in fails.items():
        assert says in failed[test], (test, failed[test])
    for test, out in failed.items():          # never "expected loss 3.38382, got 3.38382"
        assert not re.search(r"expected( \w+)? (\S+?),? got \2\b", out), (test, out)
    if {"loss value", "gradient"} & set(failed) and "tiny" in failed.get("loss value", failed.get("gradient")):
        assert "For example, with W = " in failed.get("loss value", failed.get("gradient"))


@pytest.mark.parametrize("fixture, exercise, fails", DIAGNOSES, ids=[f"{d[0]}-{d[1][:30]}" for d in DIAGNOSES])
def test_make_check_fails_the_same_properties_in_the_same_words(fixture, exercise, fails):
    graded_failed, _ = graded(fixture, exercise)
    local_failed = checked(fixture, exercise)
    assert set(local_failed) == set(graded_failed), local_failed
    for test in graded_failed:
        assert words(local_failed[test]) == words(graded_failed[test]), (test, local_failed[test], graded_failed[test])


def test_the_counterexample_of_a_value_test_is_the_tiny_case_printed_whole():
    failed, _ = graded("log10", NAIVE)
    assert re.search(r"For example, with W = \[\[.*\]\], X = \[\[.*\]\], y = \[\d, \d, \d\], reg = 0: "
                     r"expected loss \d\.\d{4}, got \d\.\d{4}\.$", failed["loss value"]), failed["loss value"]


def test_half_reg_is_accepted_by_the_instructor_option_only_as_a_pair():
    assert graded("half_reg", NAIVE, accept_half_reg=True)[0] == {}
    failed, _ = graded("half_reg_unpaired", NAIVE, accept_half_reg=True)
    assert set(failed) == {REG_LOSS}
    assert "the loss uses the 0.5 * reg convention but its gradient follows reg * np.sum(W * W)" in failed[REG_LOSS]


def test_gradient_not_divided_by_n_is_set_aside_by_the_small_cases_test():
    tests = grade.grade_one(SUBMISSIONS / "grad_not_divided", grade.Options(), only={NAIVE})["tests"]
    small = next(t for t in tests if t["name"].endswith("N = 1 and C other than 10"))
    assert small["score"] == 1 and "the gradient is not divided by N" in small["output"]


def test_every_fixture_is_in_the_table():
    hand_written = {p.name for p in SUBMISSIONS.iterdir() if not p.name.startswith("hostile")} - {"cs231n_old"}
    assert hand_written | set(os.listdir(made())) <= {d[0] for d in DIAGNOSES}
    assert all(by_name(d[1]) for d in DIAGNOSES)
