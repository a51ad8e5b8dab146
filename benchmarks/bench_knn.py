"""kNN on CIFAR-10's pixels: the application's blocked kNN against a full distance matrix and scikit-learn.

    python benchmarks/bench_knn.py [--data-dir DIR] [--num-test N] [--k K] [--memory-mb MB] [--skip-full-data]

In one run, on the same data (all 50,000 training images, the first ``--num-test`` test
images, raw uint8 pixels), each contender predicts with the same k:

- blocked: softmax_cifar10.knn.BlockedKNN, float64 blocks within ``--memory-mb``;
- full matrix: CS231n's no-loop distances in float64 for all pairs at once, then
  ``np.argsort(kind="stable")`` and the majority vote (the reference the blocked kNN equals);
- sklearn: KNeighborsClassifier(algorithm="brute") on float64 pixels (skipped without scikit-learn).

Their predictions must be equal (asserted); the ratios divide each time and peak memory by
the blocked kNN's. Then (unless ``--skip-full-data``) the blocked kNN classifies all 10,000
test images, for the time and memory of the full problem, whose distance matrix alone would
be 4 GB. It also counts how many test rows' K candidates float32 products would order
differently (the reason the blocks are float64). Memory is the peak of the allocations the
call made (tracemalloc, which numpy reports to), in MB of 10^6 bytes, inputs excluded; the
BLAS threads are every core.
"""
import argparse
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from softmax_cifar10 import blas_kernel  # noqa: E402

blas_kernel.pin()       # the command line's matrix-product kernel, before numpy loads

import numpy as np  # noqa: E402

from softmax_cifar10 import knn  # noqa: E402


def measured(fn, *args):
    """(result, seconds, peak MB of the allocations fn made) of fn(*args)."""
    tracemalloc.start()
    try:
        start = time.perf_counter()
        out = fn(*args)
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return out, seconds, peak / 1e6


def run_blocked(Xtr, ytr, Xte, k, memory_mb=knn.DEFAULT_MEMORY_MB):
    return measured(lambda: knn.BlockedKNN(k, memory_mb).train(Xtr, ytr, 10).predict(Xte))


def run_full_matrix(Xtr, ytr, Xte, k):
    def full():
        A, B = Xte.astype(np.float64), Xtr.astype(np.float64)
        dists = np.sqrt(np.maximum((A * A).sum(1)[:, None] + (B * B).sum(1)[None, :] - 2 * A @ B.T, 0))
        nearest = np.argsort(dists, axis=1, kind="stable")[:, :k]
        return knn.vote(ytr[nearest], k, 10)
    return measured(full)


def run_sklearn(Xtr, ytr, Xte, k):
    from sklearn.neighbors import KNeighborsClassifier
    return measured(lambda: KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(
        Xtr.astype(np.float64), ytr).predict(Xte.astype(np.float64)))


def float32_reorders(Xtr, Xte, K):
    """The fraction of test rows whose K nearest, in order, differ when the products are float32."""
    _, exact = knn.nearest(Xte, Xtr, K)
    A, B = Xte.astype(np.float32), Xtr.astype(np.float32)
    d32 = (A * A).sum(1)[:, None] + (B * B).sum(1)[None, :] - 2 * A @ B.T
    return float(np.mean((np.argsort(d32, axis=1, kind="stable")[:, :K] != exact).any(axis=1)))


def compare(Xtr, ytr, Xte, k, memory_mb, sklearn=True):
    """Each contender on the same problem: {name: (predictions, seconds, peak MB)}; predictions asserted equal."""
    rows = {"blocked": run_blocked(Xtr, ytr, Xte, k, memory_mb), "full matrix": run_full_matrix(Xtr, ytr, Xte, k)}
    if sklearn:
        rows["sklearn brute"] = run_sklearn(Xtr, ytr, Xte, k)
    for name, (pred, _, _) in rows.items():
        assert np.array_equal(pred, rows["blocked"][0]), f"{name} predicts differently from the blocked kNN"
    return rows


def report(rows, label):
    _, base_s, base_mb = rows["blocked"]
    print(f"\n{label}")
    print(f"{'':14} {'seconds':>8} {'x time':>7} {'peak MB':>8} {'x memory':>8}")
    for name, (_, seconds, mb) in rows.items():
        print(f"{name:14} {seconds:8.2f} {seconds / base_s:7.2f} {mb:8.1f} {mb / base_mb:8.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--num-test", type=int, default=1000, help="test images of the comparison (default 1000)")
    parser.add_argument("--k", type=int, default=10, help="neighbours that vote (default 10)")
    parser.add_argument("--memory-mb", type=float, default=knn.DEFAULT_MEMORY_MB)
    parser.add_argument("--skip-full-data", action="store_true", help="no run on all 10,000 test images")
    args = parser.parse_args(argv)
    import cifar10_data
    if not cifar10_data.has_full_data(args.data_dir):
        sys.exit(f"error: the full CIFAR-10 is not in {args.data_dir or cifar10_data.DATASETS_DIR}")
    Xtr, ytr, Xte, yte = cifar10_data.load_CIFAR10(args.data_dir or cifar10_data.DATASETS_DIR / cifar10_data.FOLDER,
                                                 dtype=np.uint8)
    Xtr, Xte = Xtr.reshape(len(Xtr), -1), Xte.reshape(len(Xte), -1)
    try:
        import sklearn  # noqa: F401
        has_sklearn = True
    except ImportError:
        has_sklearn = False
        print("scikit-learn is not installed: no KNeighborsClassifier reference (pip install scikit-learn)")
    n = args.num_test
    rows = compare(Xtr, ytr, Xte[:n], args.k, args.memory_mb, has_sklearn)
    report(rows, f"k = {args.k}, {len(Xtr)} training x {n} test images, {blas_kernel.cores()} cores: "
                 f"same predictions (accuracy {np.mean(rows['blocked'][0] == yte[:n]):.4f})")
    print(f"float32 products would reorder the 100 nearest of {float32_reorders(Xtr, Xte[:n], 100):.1%} of "
          f"these test rows")
    if not args.skip_full_data:
        pred, seconds, mb = run_blocked(Xtr, ytr, Xte, args.k, args.memory_mb)
        print(f"\nfull data: k = {args.k}, {len(Xtr)} x {len(Xte)}: {seconds:.1f} s, peak {mb:.1f} MB "
              f"(budget {args.memory_mb:g} MB; the full float64 matrix alone: {8 * len(Xtr) * len(Xte) / 1e6:.0f} "
              f"MB), test accuracy {np.mean(pred == yte):.4f}")
    return rows


if __name__ == "__main__":
    main()
