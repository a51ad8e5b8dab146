"""Time to accuracy on CIFAR-10: the default command, the classic recipe and scikit-learn.

    python benchmarks/bench_train.py [--data-dir DIR] [--skip-sklearn]

Each job runs in its own process, so its peak resident memory is its own:
- default: ``python -m classifiers train`` with its defaults (3 x 3 search, float32),
  and default-f64, the same with ``--dtype float64``;
- classic: the same with ``--classic`` (mean subtraction, plain SGD, lr 1e-7,
  reg 2.5e4, 1500 iterations of 200);
- sklearn-f32 and sklearn-f64: scikit-learn's multinomial LogisticRegression
  (lbfgs, C=1e-4) on the same 49,000 training rows with the same standardization,
  in float32 and in float64, when installed (the dtype column shows the dtype of
  the fitted coefficients: scikit-learn 1.9 keeps float32 data in float32).
All are scored on the 10,000 test images. The speed ratio compares training
times at the same dtype only (default with sklearn-f32, default-f64 with
sklearn-f64). Needs the full CIFAR-10 in datasets/ (or --data-dir).
"""
import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


SAME_DTYPE = {"default": "sklearn-f32", "default-f64": "sklearn-f64"}   # like-for-like pairs


def child(job, data_dir):
    import numpy as np
    import data_utils
    from classifiers.pipeline import CLASSIC, TrainConfig, train
    start = time.perf_counter()
    if job in ("default", "default-f64", "classic"):
        with tempfile.TemporaryDirectory() as out:
            extra = CLASSIC if job == "classic" else {"dtype": "float64"} if job == "default-f64" else {}
            r = train(TrainConfig(data_dir=data_dir, download=False, out=out, progress=False, **extra),
                      log=lambda m: None)
        result = {"test_acc": r["test_acc"], "val_acc": r["val_acc"], "total_s": r["seconds"]["total"],
                  "train_s": r["seconds"]["best_config"], "search_s": r["seconds"]["search"],
                  "configs": len(r["search"]), "dtype": "float64" if job == "default-f64" else "float32"}
    else:
        from sklearn.linear_model import LogisticRegression
        Xtr, ytr, Xte, yte = data_utils.load_CIFAR10(data_dir or data_utils.DATASETS_DIR, dtype=np.uint8)
        dtype = np.float32 if job == "sklearn-f32" else np.float64
        pre = data_utils.Preprocessor("standardize", bias=False, dtype=dtype).fit(Xtr[:49000])
        X, y = pre.transform(Xtr[:49000]), ytr[:49000]
        del Xtr
        t = time.perf_counter()
        clf = LogisticRegression(C=1e-4, solver="lbfgs").fit(X, y)
        train_s = time.perf_counter() - t
        result = {"test_acc": float(np.mean(clf.predict(pre.transform(Xte)) == yte)), "train_s": train_s,
                  "total_s": time.perf_counter() - start, "configs": 1, "dtype": str(clf.coef_.dtype)}
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--skip-sklearn", action="store_true")
    parser.add_argument("--child", choices=tuple(SAME_DTYPE) + ("classic",) + tuple(SAME_DTYPE.values()),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.data_dir)
    import data_utils
    if not data_utils.has_full_data(args.data_dir):
        sys.exit(f"error: the full CIFAR-10 is not in {args.data_dir or data_utils.DATASETS_DIR}; "
                 f"run `bash datasets/get_datasets.sh` first")
    jobs = ["default", "default-f64", "classic"]
    try:
        import sklearn  # noqa: F401
        if not args.skip_sklearn:
            jobs += list(SAME_DTYPE.values())
    except ImportError:
        print("scikit-learn is not installed: no LogisticRegression reference (pip install scikit-learn)")
    results = {}
    for job in jobs:
        cmd = [sys.executable, __file__, "--child", job] + (["--data-dir", args.data_dir] if args.data_dir else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            sys.exit(f"{job} failed:\n{proc.stderr}")
        results[job] = json.loads(proc.stdout.strip().splitlines()[-1])
    print("CIFAR-10, 49,000 training images, accuracy on the 10,000 test images")
    print(f"{'job':>11} {'dtype':>8} {'test acc':>9} {'train s':>8} {'total s':>8} {'peak MB':>8} "
          f"{'x sklearn train time, same dtype':>33}")
    for job, r in results.items():
        ref = results.get(SAME_DTYPE.get(job), {}).get("train_s")
        ratio = f"{ref / r['train_s']:.1f}x faster than {SAME_DTYPE[job]}" if ref else "-"
        print(f"{job:>11} {r['dtype']:>8} {r['test_acc']:9.4f} {r['train_s']:8.1f} {r['total_s']:8.1f} {r['peak_mb']:8.0f} {ratio:>33}")
    print("train s: the default and classic rows time the kept configuration's training; their total s "
          f"includes loading, the whole search ({results['default']['configs']} configurations for the default), "
          "evaluation and plots.")
    return results


if __name__ == "__main__":
    main()
