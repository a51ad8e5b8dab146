"""The student edition leaves every derivation to the student: no file it ships (code, docstrings, notebooks,
check messages, assignment_checks/expected.json) states a gradient the exercises ask for; release --hints puts them back."""
import importlib
import pkgutil
import re

import pytest

import assignment_checks.exercises
from instructor import release as rel


def formulas():
    """{module: [compiled pattern]} of every exercise module's FORMULAS (each module must have its list)."""
    found = {}
    for info in pkgutil.iter_modules(assignment_checks.exercises.__path__):
        module = importlib.import_module(f"assignment_checks.exercises.{info.name}")
        assert hasattr(module, "FORMULAS"), f"assignment_checks/exercises/{info.name}.py has no FORMULAS list"
        found[info.name] = [re.compile(pattern, re.I) for pattern in module.FORMULAS]
    return found


def stated(files):
    """['path:line: text (pattern)'] of every line of ``files`` that states a formula."""
    out = []
    for path, data in sorted(files.items()):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:          # the bundled sample's arrays
            continue
        for pattern in (p for patterns in formulas().values() for p in patterns):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                out.append(f"{path}:{line}: {match.group(0)!r} ({pattern.pattern})")
    return out


@pytest.fixture(scope="module")
def editions():
    return {hints: rel.edition_files(hints=hints)[0] for hints in (False, True)}


def test_the_patterns_find_what_they_stand_for():
    """Each module's list reads the forms the issue names (a list that matches nothing would pass anything)."""
    found = formulas()
    written = {"linear_losses": ["p_k - [k = y_i]", "p - onehot(y)", "dscores[range(N), y] -= 1", "(p - y) / N",
                                 "dW = X.T @ dscores", "dW += reg * W", "2 * reg * W", "(margins > 0).sum(axis=1)",
                                 r"$p - \text{onehot}(y)$", "the familiar ``softmax - one_hot``",
                                 "p[j] - [j == y[i]]", "dW = X.T @ (p - Y)"],
               "linear_classifier": ["self.W -= learning_rate * grad"],
               "two_layer_net": ["dx = dout @ w.T", "dw = x.T @ dout", "db = dout.sum(axis=0)", "dout * (x > 0)",
                                 "dx = np.where(x > 0, dout, 0)", "dW1 += reg * W1",
                                 "passes the upstream derivative through where the input was positive",
                                 r"the gradient of each carries $\lambda W$"],
               "activations": ["dx = y * (g - s)", "dx = g - np.exp(y) * s", "p_c * sum_k a_k - a_c"],
               "fully_connected_net": ["v = config['momentum'] * v - config['learning_rate'] * dw", "next_w = w + v",
                                       "decay_rate * cache + (1 - decay_rate) * dw**2", "dw * dw",
                                       "dw / (np.sqrt(config['cache']) + eps)", "m / (1 - beta1**t)",
                                       "config['beta1'] * config['m'] + (1 - config['beta1']) * dw"],
               "notebooks": ["$-[k = y]$", "the gradient becomes $p - q$", "0.7 - 1 = -0.3"],
               "k_nearest_neighbor": ["||x - t||^2 = ||x||^2 + ||t||^2 - 2 x.t", r"$\|x\|^2 + \|t\|^2 - 2 x^T t$",
                                      "x^2 + y^2 - 2xy", "(a - b)^2 = a^2 - 2ab + b^2", "a^2 - 2ab + b^2",
                                      "dists = np.sqrt(np.sum(X**2, axis=1)[:, None] + np.sum(T**2, axis=1) - 2 * X @ T.T)",
                                      "- 2 * np.dot(X, self.X_train.T)", "-2 * X.dot(self.X_train.T)",
                                      "using matrix multiplication and two broadcast sums", "the cross terms"]}
    for module, lines in written.items():
        for line in lines:
            assert any(p.search(line) for p in found[module]), f"no pattern of {module}.FORMULAS matches {line!r}"
    for line in ["loss = (1/N) * sum_i -log softmax(X[i] @ W)[y[i]] + reg * sum(W**2)", "dW: array (D, C)",
                 "relu_forward(x) is max(0, x)", "the margin delta", "X.T @ residual / n",
                 "dists[i, j] is the Euclidean (L2) distance", "np.sqrt(np.sum((X[i] - self.X_train[j]) ** 2))"]:
        assert not any(p.search(line) for patterns in found.values() for p in patterns), line


def test_the_edition_states_no_derivation(editions):
    """Every file of the default edition, the check messages and assignment_checks/expected.json included."""
    files = editions[False]
    assert "assignment_checks/expected.json" in files and "notebooks/cross_entropy.ipynb" in files
    assert stated(files) == []


def test_hints_put_the_derivations_back(editions):
    """release --hints: the derivations come back, in the files where the student meets them."""
    hinted = editions[True]
    lines = stated(hinted)
    for where in ("classifiers/softmax.py", "classifiers/linear_svm.py", "classifiers/layers.py",
                  "classifiers/fc_net.py", "classifiers/optim.py", "classifiers/activations.py", "classifiers/losses.py", "notebooks/softmax.ipynb",
                  "notebooks/cross_entropy.ipynb", "notebooks/two_layer_net.ipynb", "classifiers/k_nearest_neighbor.py"):
        assert any(line.startswith(where + ":") for line in lines), f"--hints states no derivation in {where}"
    assert not any(line.startswith("assignment_checks/") for line in lines)       # the messages are the same in both
