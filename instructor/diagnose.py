"""Name the mistake: compare a submitted loss or gradient with known wrong variants of the answer.

A variant is one choice in each of three places where submissions go wrong:
- the data term: right, or log10, the wrong class indexed (``scores[:, y]``), the class
  count from ``max(y) + 1``, the one-hot term missing, the gradient's sign flipped, or
  (SVM) the correct class counted as a margin;
- the normalisation: mean over N, a sum, or ``loss /= N + reg * ...`` (operator precedence);
- the regularization: ``reg * sum(W**2)``, missing, ``0.5 * reg`` (the 2016 convention),
  ``sum(W**2)`` without reg, or divided by N; in the gradient the matching 2 * reg * W terms.

``name_loss`` and ``name_gradient`` try every combination on the same inputs, in the
grader's process, and return the labels of the closest one with the fewest mistakes.
"""
import itertools

import numpy as np

MESSAGES = {
    "log10": "log10 is used instead of the natural log: use np.log",
    "wrongclass": "the wrong class is indexed: scores[:, y] takes every label for every example; "
                  "use scores[np.arange(N), y], one correct class per example",
    "maxy": "the class count comes from max(y) + 1 instead of W.shape[1]: the classes above the "
            "largest label in the batch are left out",
    "onehot": "the one-hot term is missing from the gradient: the correct class's score needs its -1 "
              "(dscores[np.arange(N), y] -= 1; in the SVM, -count * X[i] for the correct class)",
    "sign": "the gradient has the wrong sign",
    "countcorrect": "the correct class is counted as a margin (j == y[i] is not skipped): each example adds delta",
    "sum": "the data loss is summed over the examples instead of averaged: divide by N",
    "gradsum": "the gradient is not divided by N",
    "precedence": "operator precedence: `loss /= N + reg * ...` divides by (N + reg * ...); "
                  "write `loss /= N` and then `loss += reg * np.sum(W * W)`",
    "gradprecedence": "operator precedence: `dW /= N + 2 * reg * W` divides by (N + 2 * reg * W); "
                      "write `dW /= N` and then `dW += 2 * reg * W`",
    "missing": "the regularization term reg * np.sum(W * W) is missing from the loss",
    "gradmissing": "the gradient lacks the regularization's 2 * reg * W",
    "half": "the 0.5 * reg * np.sum(W * W) convention is used; this assignment defines "
            "reg * np.sum(W * W), whose gradient is 2 * reg * W",
    "gradhalf": "the gradient uses reg * W (the 0.5 * reg convention's); this assignment's "
                "regularization reg * np.sum(W * W) has gradient 2 * reg * W",
    "factor": "the reg factor is dropped: np.sum(W * W) is added without multiplying by reg",
    "gradfactor": "the reg factor is dropped from the gradient: 2 * W without reg",
    "overN": "the regularization is divided by N; only the data loss is an average",
    "gradoverN": "the gradient's regularization is divided by N; only the data term is an average",
}

LOSS_DATA = {"softmax": ("", "log10", "wrongclass", "maxy"), "svm": ("", "countcorrect", "maxy")}
GRAD_DATA = {"softmax": ("", "onehot", "wrongclass", "maxy", "sign"), "svm": ("", "onehot", "maxy", "sign")}


def _softmax_terms(W, X, y, variant):
    """Summed (not averaged) data loss and gradient of one data variant."""
    C = W.shape[1]
    k = int(y.max()) + 1 if variant == "maxy" else C
    S = (X @ W)[:, :k]
    S = S - S.max(axis=1, keepdims=True)
    logP = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    P = np.exp(logP)
    rows = np.arange(len(y))
    M = np.zeros_like(P)
    if variant == "wrongclass":
        loss = -logP[:, y].sum()
        M[:, np.unique(y)] = 1
    else:
        loss = -logP[rows, y].sum() / (np.log(10) if variant == "log10" else 1)
        M[rows, y] = 1
    if variant == "onehot":
        M[:] = 0
    G = np.zeros(W.shape)
    G[:, :k] = X.T @ (P - M)
    return loss, -G if variant == "sign" else G


def _svm_terms(W, X, y, variant, delta=1.0):
    C = W.shape[1]
    k = int(y.max()) + 1 if variant == "maxy" else C
    S = (X @ W)[:, :k]
    rows = np.arange(len(y))
    margins = S - S[rows, y][:, None] + delta
    if variant != "countcorrect":
        margins[rows, y] = 0
    margins = np.maximum(margins, 0)
    loss = margins.sum()
    active = (margins > 0).astype(float)
    active[rows, y] = 0
    dscores = active.copy()
    if variant != "onehot":
        dscores[rows, y] = -active.sum(axis=1)
    G = np.zeros(W.shape)
    G[:, :k] = X.T @ dscores
    return loss, -G if variant == "sign" else G


TERMS = {"softmax": _softmax_terms, "svm": _svm_terms}


def loss_variants(kind, W, X, y, reg):
    """(labels, loss) for every combination; labels () is the right answer."""
    W, X = np.asarray(W, np.float64), np.asarray(X, np.float64)
    N, R = len(y), np.sum(W * W)
    regs = {"": reg * R, "missing": 0.0, "half": 0.5 * reg * R, "factor": R, "overN": reg * R / N}
    out = []
    for data in LOSS_DATA[kind]:
        total = TERMS[kind](W, X, y, data)[0]
        for (norm, value), (r, term) in itertools.product((("", total / N), ("sum", total)), regs.items()):
            out.append((tuple(x for x in (data, norm, r) if x), value + term))
        out.append((tuple(x for x in (data, "precedence") if x), total / (N + reg * R)))
        out.append((tuple(x for x in (data, "precedence", "half") if x), total / (N + 0.5 * reg * R)))
    return out


def gradient_variants(kind, W, X, y, reg):
    """(labels, dW) for every combination; labels () is the right answer."""
    W, X = np.asarray(W, np.float64), np.asarray(X, np.float64)
    N = len(y)
    regs = {"": 2 * reg * W, "gradmissing": 0 * W, "gradhalf": reg * W, "gradfactor": 2 * W,
            "gradoverN": 2 * reg * W / N}
    out = []
    for data in GRAD_DATA[kind]:
        G = TERMS[kind](W, X, y, data)[1]
        for (norm, value), (r, term) in itertools.product((("", G / N), ("gradsum", G)), regs.items()):
            out.append((tuple(x for x in (data, norm, r) if x), value + term))
        out.append((tuple(x for x in (data, "gradprecedence") if x), G / (N + 2 * reg * W)))
    return out


def _closest(candidates, got, rtol):
    """Labels of the matching candidate with the fewest mistakes, or None."""
    matches = [labels for labels, value in candidates
               if np.shape(value) == np.shape(got) and np.allclose(got, value, rtol=rtol, atol=1e-7)]
    return min(matches, key=len) if matches else None


def name_loss(kind, W, X, y, reg, got, rtol=1e-5):
    """Labels naming what a wrong loss ``got`` is, () if it is right, None if no variant matches."""
    return _closest(loss_variants(kind, W, X, y, reg), float(got), rtol)


def name_gradient(kind, W, X, y, reg, got, rtol=1e-5):
    """Labels naming what a wrong gradient ``got`` is (also 'zeros', 'transposed'), or None."""
    got = np.asarray(got, np.float64)
    if got.shape == W.shape and not got.any():
        return ("zeros",)
    if got.shape == W.shape[::-1] and W.shape[0] != W.shape[1]:
        inner = _closest(gradient_variants(kind, W, X, y, reg), got.T, rtol)
        return ("transposed",) + inner if inner is not None else ("transposed",)
    return _closest(gradient_variants(kind, W, X, y, reg), got, rtol)


MESSAGES["zeros"] = "the gradient is all zeros: dW is never written (or is overwritten)"
MESSAGES["transposed"] = "the gradient is transposed: dW must have W's shape (D, C), not (C, D)"


def explain(labels):
    """One sentence per mistake named by ``labels``."""
    return "; ".join(MESSAGES[label] for label in labels)
