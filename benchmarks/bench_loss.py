"""Time softmax loss + gradient: naive, vectorized and the blocked fast path, against two references.

    python benchmarks/bench_loss.py [--repeats 7] [--skip-naive]

Sizes: the dev set (N=500) and the full training set (N=49000), D=3073, C=10,
in float64 and float32, on random data. Every time is the best of ``repeats``
runs after a warm-up (``softmax_cifar10.timing.best_time``), and every ratio is against
references measured in the same run:
- read: one pass over X, ``X.sum(axis=0)``; no loss can avoid reading X once;
- torch: PyTorch's CPU ``cross_entropy(X @ W, y)`` plus ``backward()`` for dW,
  when PyTorch is installed.
It also times the two matrix products alone (gemm floor: X @ W and dS.T @ X on
a ready dS), the part of the work no numpy version can skip.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from classifiers.softmax import softmax_loss_fast, softmax_loss_naive, softmax_loss_vectorized  # noqa: E402
from softmax_cifar10.timing import best_time  # noqa: E402


def torch_reference(W, X, y):
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def run():
        Wt = torch.from_numpy(W).requires_grad_()
        F.cross_entropy(Xt @ Wt, yt).backward()
        return Wt.grad
    return run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--skip-naive", action="store_true", help="skip the naive loops at N=49000 (~3 s a run)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    D, C = 3073, 10
    print(f"softmax loss + gradient, D={D}, C={C}; best of {args.repeats}; ratios against one read of X "
          f"(X.sum(axis=0)) and PyTorch CPU cross_entropy + backward, measured in the same run")
    header = f"{'N':>6} {'dtype':>8} {'method':>11} {'ms':>9} {'x read':>8} {'x torch':>8}"
    print(header)
    print("-" * len(header))
    rows = []
    for n in (500, 49000):
        for dtype in (np.float64, np.float32):
            X = rng.standard_normal((n, D), dtype=np.float64).astype(dtype)
            W = (rng.standard_normal((D, C)) * 1e-3).astype(dtype)
            y = rng.integers(0, C, n)
            read = best_time(lambda: X.sum(axis=0), repeats=args.repeats)[0]
            ref = torch_reference(W, X, y)
            torch_t = best_time(ref, repeats=args.repeats)[0] if ref else None
            methods = [("vectorized", lambda: softmax_loss_vectorized(W, X, y, 0.1)),
                       ("fast", lambda: softmax_loss_fast(W, X, y, 0.1))]
            if not (args.skip_naive and n > 500):
                methods.insert(0, ("naive", lambda: softmax_loss_naive(W, X, y, 0.1)))
            S = rng.standard_normal((n, C)).astype(dtype)
            floor = sum(best_time(product, repeats=args.repeats)[0] for product in (lambda: X @ W, lambda: S.T @ X))
            entries = [("read X", read), ("torch", torch_t), ("gemm floor", floor)]
            for name, fn in methods:
                reps = 1 if name == "naive" and n > 500 else args.repeats
                entries.append((name, best_time(fn, repeats=reps)[0]))
            for name, t in entries:
                if t is None:
                    print(f"{n:>6} {np.dtype(dtype).name:>8} {name:>11} {'(PyTorch not installed)':>27}")
                    continue
                vs_torch = f"{t / torch_t:8.2f}" if torch_t else f"{'-':>8}"
                print(f"{n:>6} {np.dtype(dtype).name:>8} {name:>11} {t * 1e3:9.2f} {t / read:8.2f} {vs_torch}")
                rows.append((n, np.dtype(dtype).name, name, t, t / read, t / torch_t if torch_t else None))
    return rows


if __name__ == "__main__":
    main()
