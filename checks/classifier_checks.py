"""Checks of LinearClassifier: the minibatch sampling and the update in train, and predict."""
import numpy as np

from .framework import check, exercise
from .problems import expected, function, problem, rel_error

PATH = "classifiers/linear_classifier.py"


def probe_classifier(gradient):
    """A LinearClassifier whose loss records each minibatch and returns a fixed gradient.

    With a fixed gradient G, k plain SGD steps must move W by exactly -k * learning_rate * G.
    """
    base = function("classifiers.linear_classifier", "LinearClassifier")

    class Probe(base):
        def loss(self, X_batch, y_batch, reg):
            self.batches.append((np.array(X_batch), np.array(y_batch)))
            return 1.0, gradient.copy()

    clf = Probe()
    clf.batches = []
    return clf


def public_data(n=20, d=5, c=4):
    """Rows that can be told apart (row i starts with i) and labels y[i] = i % c."""
    X = np.random.default_rng(5).standard_normal((n, d))
    X[:, 0] = np.arange(n)
    return X, np.arange(n) % c


def check_batches(batches, X, y, batch_size, num_iters):
    check(len(batches) == num_iters, f"train called self.loss {len(batches)} times in {num_iters} iterations; "
                                     f"call it once per iteration")
    for Xb, yb in batches:
        check(Xb.shape == (batch_size, X.shape[1]),
              f"a minibatch X_batch has shape {Xb.shape}, expected (batch_size, D) = {(batch_size, X.shape[1])}")
        check(yb.shape == (batch_size,), f"y_batch has shape {yb.shape}, expected (batch_size,) = ({batch_size},)")
        rows = np.round(Xb[:, 0]).astype(int)
        check(np.array_equal(Xb, X[rows]), "X_batch holds rows that are not rows of X: pick rows of X by index")
        check(np.array_equal(yb, y[rows]), "y_batch does not hold the labels of the rows in X_batch: index X and "
                                           "y with the same indices")
    firsts = {tuple(np.round(Xb[:, 0]).astype(int)) for Xb, _ in batches}
    check(len(firsts) > 1, "every minibatch holds the same rows: draw random indices each iteration, "
                           "e.g. np.random.choice(num_train, batch_size)")


def train_exercise():
    X, y = public_data()
    W0 = np.random.default_rng(6).standard_normal((X.shape[1], 4)) * 0.01
    G = np.random.default_rng(7).standard_normal(W0.shape)
    clf = probe_classifier(G)
    clf.W = W0.copy()
    lr, iters, batch = 0.1, 5, 4
    np.random.seed(0)
    history = clf.train(X, y, learning_rate=lr, reg=0.0, num_iters=iters, batch_size=batch)
    check_batches(clf.batches, X, y, batch, iters)
    yield "each iteration samples a random minibatch of batch_size rows with their labels"
    moved = np.asarray(clf.W) - W0
    want = -iters * lr * G
    if rel_error(moved, want) > 1e-8:
        check(np.abs(moved).max() > 0, "self.W did not change during training: update the weights every iteration")
        for r, why in ((-1, "you step up the gradient; step against it: W -= learning_rate * grad"),
                       (1 / lr, "the step ignores the learning rate: W -= learning_rate * grad")):
            check(rel_error(moved, r * want) > 1e-8, why)
        check(False, "after each step W must be W - learning_rate * grad; a fixed gradient G over "
                     f"{iters} steps should move W by -{iters} * learning_rate * G, and yours moved differently")
    yield "each iteration updates W -= learning_rate * grad"
    check(history is not None and len(history) == iters,
          f"train must return the list of losses, one per iteration ({iters}), got {history!r}"[:300])
    yield "returns the loss history"
    yield lowers_the_loss()


def lowers_the_loss():
    """Softmax training on a small learnable problem lowers the loss (needs softmax_loss_vectorized)."""
    rng = np.random.default_rng(8)
    X = rng.standard_normal((300, 10))
    y = np.argmax(X @ rng.standard_normal((10, 3)), axis=1)
    clf = function("classifiers.linear_classifier", "Softmax")()
    np.random.seed(1)
    try:
        history = clf.train(X, y, learning_rate=0.5, reg=0.0, num_iters=100, batch_size=50)
    except NotImplementedError as exc:
        if "softmax_loss_vectorized" in str(exc):
            return "skipped: training a Softmax (softmax_loss_vectorized is not written yet)"
        raise
    first, last = float(np.mean(history[:5])), float(np.mean(history[-10:]))
    check(last < 0.7 * first, f"training a Softmax for 100 iterations on a small learnable problem took the loss "
                              f"from {first:.3f} to only {last:.3f}; check the update and the minibatches")
    return f"training lowers the loss ({first:.2f} -> {last:.2f})"


def predict_exercise():
    X, _ = public_data(n=30, d=6)
    W = np.random.default_rng(9).standard_normal((6, 5))
    clf = probe_classifier(np.zeros_like(W))
    clf.W = W.copy()
    pred = np.asarray(clf.predict(X))
    check(pred.shape == (X.shape[0],), f"predict must return one label per row, shape ({X.shape[0]},); "
                                       f"got shape {pred.shape}")
    check(np.issubdtype(pred.dtype, np.integer), f"predict must return integer labels, got dtype {pred.dtype}")
    scores = X @ W
    if np.array_equal(pred, np.argmin(scores, axis=1)):
        check(False, "predict returns the class with the lowest score; it must return the highest")
    check(np.array_equal(pred, np.argmax(scores, axis=1)),
          "predict must return, for each row, the class with the highest score: np.argmax(X @ self.W, axis=1)")
    yield "predict agrees with argmax of X @ W"


def predict_proba_exercise():
    W, X, _ = problem()
    clf = function("classifiers.linear_classifier", "Softmax")()
    clf.W = W.copy()
    P = np.asarray(clf.predict_proba(X))
    check(P.shape == (X.shape[0], W.shape[1]), f"predict_proba must return an array (N, C) = "
                                               f"{(X.shape[0], W.shape[1])}, got shape {P.shape}")
    check(np.allclose(P.sum(axis=1), 1), f"each row of probabilities must sum to 1; yours sum to {P.sum(axis=1)}")
    yield "rows sum to 1"
    check(rel_error(P, expected("predict_proba")) < 1e-8, "predict_proba differs from the expected probabilities "
                                                          "on the public problem: softmax of each row of X @ W")
    yield "equals the expected probabilities"
    clf.W = W * 1e4
    with np.errstate(all="ignore"):
        big = np.asarray(clf.predict_proba(X))
    check(np.isfinite(big).all(), "with large scores predict_proba gives NaN or inf: subtract each row's max "
                                  "score before exp")
    yield "finite for large scores"


exercise("LinearClassifier.train", PATH)(train_exercise)
exercise("LinearClassifier.predict", PATH)(predict_exercise)
exercise("Softmax.predict_proba", PATH)(predict_proba_exercise)
