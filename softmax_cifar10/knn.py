"""k-nearest neighbours on all of CIFAR-10 in bounded memory: ``train --model knn``.

CS231n's kNN (classifiers/k_nearest_neighbor.py) holds the whole (num_test, num_train)
distance matrix: 10,000 x 50,000 float64 is 4 GB. Here the squared L2 distances are
computed a block of test rows against a block of training rows at a time
(``squared_distances``), and each test row keeps only its K nearest candidates
(np.argpartition), merged block after block. Every k <= K can then be scored from the
same candidates, which is what cross-validation over many k needs.

Semantics, exactly CS231n's:
- the neighbours are those of the full distance matrix sorted by np.argsort, with exact
  ties in distance ordered by training index (as ``np.argsort(dists, kind="stable")``;
  numpy's default sort is not stable, so it leaves the order of ties unspecified);
- the label is the majority of the k nearest labels, a tie going to the smaller label.

Precision: the package's distance kernel gives exact squared distances for pixels (uint8
rows), so the neighbours are exactly the reference's whatever the BLAS kernel or threads
(see ``squared_distances``); other rows round as a float64 full matrix does.

Memory: besides its inputs and its result (the candidates: 16 bytes per test row and
candidate), a search never holds more than ``memory_mb`` megabytes (10^6 bytes): see
``block_sizes``.
"""
import contextlib
import math

import numpy as np
from threadpoolctl import threadpool_limits

from .blas_kernel import cores
from softmax_safeguards.persistence import load_model, save_model
from softmax_safeguards.validation import (InvalidTypeError, InvalidValueError, check_labels, check_positive, describe)

FORMAT = "softmax-assignment/knn"
DEFAULT_MEMORY_MB = 256
#: bytes per (test row, training row) pair of a block: the float64 distances (8), a float32 product of pixels (4),
#: and, to merge them with the candidates, their concatenation (8), its indices (8), argpartition's order (8) and
#: a comparison mask (1)
PAIR_BYTES = 37
#: bytes per (test row, candidate) of a block: the merged candidates' distances, indices, order and mask
CANDIDATE_BYTES = 25


def block_sizes(num_test, num_train, dim, K, memory_mb=DEFAULT_MEMORY_MB):
    """The largest square blocks whose work fits in ``memory_mb`` beside the result.

    Inputs: the numbers of test and training rows, the features per row, the candidates K
    kept per test row, and the memory budget in MB of 10^6 bytes.
    Returns (test_rows, train_rows) per block; a block needs at most ``block_bytes`` of them.
    Raises InvalidValueError when the budget is too small for blocks of K training rows.
    """
    memory_mb = check_positive(memory_mb, "memory_mb (--memory-mb)")
    free = memory_mb * 1e6 - 16 * num_test * K
    # s test and s training rows: block_bytes(s, s, dim, K) = PAIR_BYTES s^2 + (24 dim + CANDIDATE_BYTES K) s <= free
    a, b = PAIR_BYTES, 24 * dim + CANDIDATE_BYTES * K
    s = int((-b + math.sqrt(b * b + 4 * a * max(free, 0))) / (2 * a)) if free > 0 else 0
    train_rows = min(max(s, K), num_train)      # a block of at least K training rows gives each row K candidates
    per_row = block_bytes(1, train_rows, dim, K) - block_bytes(0, train_rows, dim, K)
    rows = min(num_test, int((free - block_bytes(0, train_rows, dim, K)) // per_row))
    if rows < 1:
        need = (block_bytes(1, min(K, num_train), dim, K) + 16 * num_test * K) / 1e6
        raise InvalidValueError(f"memory_mb (--memory-mb) = {memory_mb:g} is too small for {K} neighbours of "
                                f"{num_test} rows of {dim} features: at least {need:.3g} MB is needed")
    return rows, train_rows


def block_bytes(rows, train_rows, dim, K):
    """The bytes one block of ``rows`` test rows x ``train_rows`` training rows needs at most.

    The test rows in float64 (8 bytes a feature; float32 for pixels), the training rows gathered
    and converted (16: a fold's rows around the held-out one are copied), and PAIR_BYTES per pair and
    CANDIDATE_BYTES per candidate of the merge.
    """
    return 8 * dim * rows + 16 * dim * train_rows + PAIR_BYTES * rows * train_rows + CANDIDATE_BYTES * rows * K


def squared_distances(A, B):
    """Squared L2 distances (a, b) float64 between the rows of A (a, D) and B (b, D).

    The student's vectorized distances (``compute_distances_no_loops`` of
    classifiers/k_nearest_neighbor.py), squared, or the package's exact kernel where it has one.
    """
    # imported here, not at the top: in the student edition a kNN file that does not compile yet must stop
    # only --model knn, not the softmax and the networks, which import this module too
    from classifiers.k_nearest_neighbor import KNearestNeighbor
    model = KNearestNeighbor()
    model.train(B.astype(np.float64), np.zeros(len(B), np.int64))
    return np.square(model.compute_distances_no_loops(A.astype(np.float64)))


# BEGIN SOLUTION
#: features per float32 product of pixels: every partial sum of 256 products of 0..255 is an integer below
#: 256 * 255^2 < 2^24, so float32 holds it exactly, whatever the order of the sums or FMA
PIXEL_CHUNK = 256


def squared_distances(A, B):  # noqa: F811  (the exact kernel)
    """Squared L2 distances (a, b) float64 between the rows of A (a, D) and B (b, D): exact for uint8 pixels.

    ||a||^2 + ||b||^2 - 2 a.b. One float32 product of 3072 pixels sums terms up to 255^2
    beyond 2^24, where float32 rounds (on CIFAR-10 it reorders the 100 nearest of a few
    percent of the test images: benchmarks/bench_knn.py), so uint8 rows are multiplied in
    float32 PIXEL_CHUNK features at a time, where every partial sum is an integer float32
    holds exactly, and the parts summed in float64, exact below 2^53: the distances do not
    depend on the BLAS kernel, its threads or the order of its sums, and the float32 products
    run faster than float64 ones. Other rows are multiplied in float64 and round as a float64
    full matrix does.
    """
    if A.dtype == np.uint8 and B.dtype == np.uint8:
        d, part = np.zeros((len(A), len(B))), np.empty((len(A), len(B)), np.float32)
        A32, B32 = A.astype(np.float32), B.astype(np.float32)
        for s in range(0, A.shape[1], PIXEL_CHUNK):
            d += np.matmul(A32[:, s:s + PIXEL_CHUNK], B32[:, s:s + PIXEL_CHUNK].T, out=part)
    else:
        A, B = A.astype(np.float64, copy=False), B.astype(np.float64, copy=False)
        d = A @ B.T
    d *= -2
    d += np.einsum("ij,ij->i", A, A, dtype=np.float64)[:, None]
    d += np.einsum("ij,ij->i", B, B, dtype=np.float64)[None, :]
    return np.maximum(d, 0, out=d)      # rounding of non-integer data can dip below 0
# END SOLUTION


def smallest(d, index, K):
    """The K smallest entries of each row of ``d``, by (distance, index).

    Inputs: d (n, m) distances, index (n, m) their training indices, K <= m.
    Returns (distances, indices), both (n, K), each row in increasing (distance, index) order.
    """
    part = np.argpartition(d, K - 1, axis=1)[:, :K]
    best_d, best_i = np.take_along_axis(d, part, 1), np.take_along_axis(index, part, 1)
    edge = best_d[:, -1:] if K == 1 else best_d.max(axis=1, keepdims=True)
    for r in np.flatnonzero(np.count_nonzero(d <= edge, axis=1) > K):    # a tie at the edge: keep smaller indices
        order = np.lexsort((index[r], d[r]))[:K]
        best_d[r], best_i[r] = d[r, order], index[r, order]
    order = np.lexsort((best_i, best_d), axis=1)
    return np.take_along_axis(best_d, order, 1), np.take_along_axis(best_i, order, 1)


def nearest(X, X_train, K, rows=None, memory_mb=DEFAULT_MEMORY_MB, threads=None, progress=False):
    """The K nearest training rows of every row of X, in bounded memory.

    Inputs:
    - X (n, D) and X_train (N, D): numbers (uint8 pixels are exact, see the module docstring).
    - K: candidates kept per row, 1 <= K <= the training rows used.
    - rows: the training rows to search (sorted indices into X_train), default all.
    - memory_mb: the budget of the blocks (``block_sizes``); threads: BLAS threads (None: every core; exact
      distances do not depend on them).
    - progress: show a tqdm bar over the blocks (True, or a dict of tqdm options).

    Returns (sq_dists, indices), both (n, K): squared distances and indices into X_train,
    each row in increasing (distance, index) order: ``np.argsort(dists, kind="stable")[:, :K]``.
    """
    rows = np.arange(len(X_train)) if rows is None else np.asarray(rows)
    if not 1 <= K <= len(rows):
        raise InvalidValueError(f"K = {K} neighbours asked for, but there are {len(rows)} training rows")
    if len(X) == 0:
        return np.empty((0, K)), np.empty((0, K), np.int64)
    step, train_step = block_sizes(len(X), len(rows), X.shape[1], K, memory_mb)
    best_d, best_i = np.empty((len(X), K)), np.empty((len(X), K), np.int64)
    starts = range(0, len(rows), train_step)
    with threadpool_limits(threads or cores()), _bar(progress, len(starts) * -(-len(X) // step)) as bar:
        for s in range(0, len(X), step):
            block_d, block_i = np.empty((min(step, len(X) - s), 0)), np.empty((min(step, len(X) - s), 0), np.int64)
            for t in starts:
                index = rows[t:t + train_step]
                d = squared_distances(X[s:s + step], X_train[index] if index[-1] - index[0] + 1 != len(index)
                                      else X_train[index[0]:index[-1] + 1])
                merged_i = np.concatenate([block_i, np.broadcast_to(index, d.shape)], axis=1)
                block_d, block_i = smallest(np.concatenate([block_d, d], axis=1), merged_i, K)
                if bar is not None:
                    bar.update(1)
            best_d[s:s + step], best_i[s:s + step] = block_d, block_i
    return best_d, best_i


def _bar(progress, total):
    """A tqdm bar over ``total`` blocks when ``progress`` (True, or a dict of tqdm options), else a null context."""
    if not progress:
        return contextlib.nullcontext()
    from tqdm.auto import tqdm
    options = {"total": total, "unit": "block", "leave": False, "desc": "kNN distances", "mininterval": 0.2}
    return tqdm(**(options | (progress if isinstance(progress, dict) else {})))


def vote(labels, k, num_classes):
    """The majority label of the first k of each row of ``labels`` (n, K), a tie going to the smaller label."""
    counts = np.zeros((len(labels), num_classes), np.int64)
    for j in range(k):
        counts[np.arange(len(labels)), labels[:, j]] += 1
    return np.argmax(counts, axis=1)       # argmax returns the first, smallest, of equal counts


def check_k(k, K, name="k", where=""):
    """Return k checked to be an integer in [1, K], K the training rows (``where``: of what, for the message)."""
    k = check_positive(k, name, integer=True)
    if k > K:
        raise InvalidValueError(f"{name} = {k} is more than the {K} training images{where}")
    return k


def cross_validate(X, y, k_choices, num_folds=5, num_classes=None, memory_mb=DEFAULT_MEMORY_MB, threads=None,
                   progress=False, log=None):
    """CS231n's k-fold cross-validation of k: accuracies (num_folds, len(k_choices)).

    Inputs: X (N, D), y (N,) training data; k_choices; num_folds: consecutive folds as
    ``np.array_split`` makes them. Fold f is classified by the other folds; its K =
    max(k_choices) nearest candidates are computed once and scored for every k.
    log(f, seconds), when given, is called after each fold.
    """
    if not 2 <= num_folds <= len(X):
        raise InvalidValueError(f"num_folds (--folds) must be in [2, {len(X)}] for {len(X)} training images, "
                                f"got {num_folds}")
    num_classes = num_classes or int(y.max()) + 1
    bounds = np.cumsum([0] + [len(part) for part in np.array_split(np.arange(len(X)), num_folds)])
    K = max(k_choices)
    for k in k_choices:
        check_k(k, int(len(X) - max(np.diff(bounds))), "k (--k)", f" of a fold ({num_folds} folds of {len(X)})")
    accuracies = np.empty((num_folds, len(k_choices)))
    for f in range(num_folds):
        lo, hi = bounds[f], bounds[f + 1]
        rows = np.concatenate([np.arange(lo), np.arange(hi, len(X))])
        bar = progress and {"desc": f"kNN fold {f + 1}/{num_folds}"}
        _, idx = nearest(X[lo:hi], X, K, rows, memory_mb, threads, bar)
        for j, k in enumerate(k_choices):
            accuracies[f, j] = np.mean(vote(y[idx], k, num_classes) == y[lo:hi])
        if log is not None:
            log(f, accuracies[f])
    return accuracies


class BlockedKNN:
    """kNN classifier over a stored training set (uint8 pixels kept as uint8), predicting in bounded memory.

    ``train(X, y)`` stores the data; ``predict(X)`` votes among the ``k`` nearest (see the module docstring).
    ``save``/``load`` use the package's model files: the training set is saved as extras (kNN has
    no learned parameters), in its own dtype, with k and the number of classes.
    """

    FORMAT = FORMAT

    def __init__(self, k=1, memory_mb=DEFAULT_MEMORY_MB, threads=None, progress=False):
        self.k = check_positive(k, "k", integer=True)
        self.memory_mb, self.threads, self.progress = check_positive(memory_mb, "memory_mb"), threads, progress
        self.X_train = self.y_train = None
        self.num_classes, self.extras = 0, {}

    def train(self, X, y, num_classes=None):
        """Store X (N, D) numbers and y (N,) labels in [0, num_classes) (default max(y) + 1)."""
        X = np.asarray(X)
        if X.ndim != 2 or not (np.issubdtype(X.dtype, np.integer) or np.issubdtype(X.dtype, np.floating)):
            raise InvalidTypeError(f"X must be a 2-D array of numbers, got {describe(X)}")
        y = np.asarray(y)
        self.num_classes = int(num_classes or (int(y.max()) + 1 if y.size else 1))
        self.y_train = check_labels(y, "y", len(X), self.num_classes)
        self.X_train = X
        return self

    def neighbours(self, X, K=None):
        """(sq_dists, indices) (n, K) of the K (default k) nearest training rows of X (n, D), as ``nearest``."""
        if self.X_train is None:
            raise InvalidValueError("call train() before predict()")
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.X_train.shape[1]:
            raise InvalidValueError(f"X must have {self.X_train.shape[1]} features per row, got {describe(X)}")
        return nearest(X, self.X_train, K or self.k, None, self.memory_mb, self.threads, self.progress)

    def predict(self, X, k=None):
        """Labels (n,) of X: the majority of the k (default self.k) nearest, ties to the smaller label."""
        k = check_k(k or self.k, len(self.y_train) if self.y_train is not None else 0)
        _, idx = self.neighbours(X, k)
        return vote(self.y_train[idx], k, self.num_classes)

    def predict_proba(self, X):
        """The fraction of the k nearest in each class (n, C); a stable sort by -p ranks as ``predict`` does."""
        _, idx = self.neighbours(X, self.k)
        labels = self.y_train[idx]
        return np.stack([np.mean(labels == c, axis=1) for c in range(self.num_classes)], axis=1)

    def save(self, path, **extras):
        """Write the model (training set, labels, k, classes) and ``extras`` to ``path`` (.npz)."""
        if self.X_train is None:
            raise InvalidValueError("call train() before save()")
        model = {"X_train": self.X_train, "y_train": self.y_train, "k": self.k, "num_classes": self.num_classes}
        return save_model(path, FORMAT, type(self).__name__, {}, {**model, **extras})

    @classmethod
    def load(cls, path):
        """Read a model written by ``save``; its other extras are in ``.extras``."""
        _, _, extras = load_model(path, FORMAT, {}, {cls.__name__: cls}, cls)
        try:
            X, y = extras.pop("X_train"), extras.pop("y_train")
            model = cls(int(extras.pop("k"))).train(X, y, int(extras.pop("num_classes")))
            check_k(model.k, len(y))
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidValueError(f"{path} holds a malformed kNN model ({exc})") from None
        model.extras = extras
        return model
