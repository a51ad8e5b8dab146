"""Time to accuracy on CIFAR-10: the default command (parallel and sequential search), the classic
recipe and scikit-learn.

    python benchmarks/bench_train.py [--data-dir DIR] [--jobs N] [--skip-sklearn] [--only JOB,JOB]

Each job runs in its own process, so its memory is its own:
- default: ``python -m classifiers train`` with its defaults (3 x 3 search, float32),
  the configurations trained ``--jobs`` at a time (default 2) in worker processes;
- sequential: the same search one configuration at a time (``--jobs 1``); the
  ratio of the two search times, measured in the same run, is the parallel gain;
- default-f64: the default with ``--dtype float64``;
- classic: ``--classic`` (mean subtraction, plain SGD, lr 1e-7, reg 2.5e4, 1500
  iterations of 200);
- sklearn-f32 and sklearn-f64: scikit-learn's multinomial LogisticRegression
  (lbfgs, C=1e-4) on the same 49,000 training rows with the same standardization,
  in float32 and in float64, when installed (the dtype column shows the dtype of
  the fitted coefficients: scikit-learn 1.9 keeps float32 data in float32).
All are scored on the 10,000 test images. The speed ratio compares training
times at the same dtype only (default with sklearn-f32, default-f64 with
sklearn-f64). Needs the full CIFAR-10 in datasets/ (or --data-dir).

Memory is in MB of 10^6 bytes: the peak resident set of the job's main process,
that of its largest worker, and, with psutil installed, the peak proportional
set size (PSS) of the job and its workers together, which counts the pages they
share once rather than once per process.
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
JOBS = ("default", "sequential", "default-f64", "classic", "sklearn-f32", "sklearn-f64")


def megabytes(kib):
    """ru_maxrss (KiB on Linux) in MB of 10^6 bytes, the one memory unit of the README and docs/."""
    return kib * 1024 / 1e6


def cpu_seconds():
    """CPU time (user + system) of this process and of its finished children (the search's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child(job, data_dir, jobs):
    import numpy as np
    import cifar10_data
    from softmax_cifar10.pipeline import CLASSIC, TrainConfig, train
    start = time.perf_counter()
    if not job.startswith("sklearn"):
        with tempfile.TemporaryDirectory() as out:
            extra = CLASSIC if job == "classic" else {"dtype": "float64"} if job == "default-f64" else {}
            r = train(TrainConfig(data_dir=data_dir, download=False, out=out, progress=False,
                                  jobs=1 if job == "sequential" else jobs, **extra), log=lambda m: None)
        result = {"test_acc": r["test_acc"], "val_acc": r["val_acc"], "total_s": r["seconds"]["total"],
                  "train_s": r["seconds"]["best_config"], "search_s": r["seconds"]["search"],
                  "configs": len(r["search"]), "jobs": r["jobs"], "dtype": r["config"]["dtype"]}
    else:
        from sklearn.linear_model import LogisticRegression
        Xtr, ytr, Xte, yte = cifar10_data.load_CIFAR10(data_dir or cifar10_data.DATASETS_DIR, dtype=np.uint8)
        dtype = np.float32 if job == "sklearn-f32" else np.float64
        pre = cifar10_data.Preprocessor("standardize", bias=False, dtype=dtype).fit(Xtr[:49000])
        X, y = pre.transform(Xtr[:49000]), ytr[:49000]
        del Xtr
        t = time.perf_counter()
        clf = LogisticRegression(C=1e-4, solver="lbfgs").fit(X, y)
        train_s = time.perf_counter() - t
        result = {"test_acc": float(np.mean(clf.predict(pre.transform(Xte)) == yte)), "train_s": train_s,
                  "total_s": time.perf_counter() - start, "configs": 1, "jobs": 1, "dtype": str(clf.coef_.dtype)}
    result["cpu_s"] = cpu_seconds()
    result["peak_mb"] = megabytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    result["worker_peak_mb"] = megabytes(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps(result))


def run_job(job, args):
    """Run one job in a child process, sampling the PSS of it and its workers every 0.2 s."""
    try:
        import psutil
    except ImportError:
        psutil = None
    cmd = [sys.executable, __file__, "--child", job, "--jobs", str(args.jobs)]
    cmd += ["--data-dir", args.data_dir] if args.data_dir else []
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak_pss = 0
    while psutil is not None and proc.poll() is None:
        try:
            tree = [psutil.Process(proc.pid)]
            tree += tree[0].children(recursive=True)
            peak_pss = max(peak_pss, sum(p.memory_full_info().pss for p in tree))
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
        time.sleep(0.2)
    out, err = proc.communicate()
    if proc.returncode:
        sys.exit(f"{job} failed:\n{err}")
    result = json.loads(out.strip().splitlines()[-1])
    result["pss_mb"] = peak_pss / 1e6 if psutil is not None else float("nan")
    return result


def report(results):
    print("CIFAR-10, 49,000 training images, accuracy on the 10,000 test images; memory in MB (10^6 bytes)")
    print(f"{'job':>11} {'dtype':>8} {'jobs':>4} {'test acc':>9} {'train s':>8} {'search s':>9} {'total s':>8} "
          f"{'CPU s':>6} {'peak MB':>8} {'worker MB':>9} {'PSS MB':>7} {'x sklearn train time, same dtype':>33}")
    for job, r in results.items():
        ref = results.get(SAME_DTYPE.get(job), {}).get("train_s")
        ratio = f"{ref / r['train_s']:.1f}x faster than {SAME_DTYPE[job]}" if ref else "-"
        search = f"{r['search_s']:9.1f}" if "search_s" in r else f"{'-':>9}"
        print(f"{job:>11} {r['dtype']:>8} {r['jobs']:>4} {r['test_acc']:9.4f} {r['train_s']:8.1f} {search} "
              f"{r['total_s']:8.1f} {r['cpu_s']:6.1f} {r['peak_mb']:8.0f} {r['worker_peak_mb']:9.0f} "
              f"{r['pss_mb']:7.0f} {ratio:>33}")
    if "default" in results and "sequential" in results:
        d, s = results["default"], results["sequential"]
        print(f"search with {d['jobs']} jobs: {d['search_s']:.1f} s = {d['search_s'] / s['search_s']:.2f}x the "
              f"sequential search's {s['search_s']:.1f} s (target: at most 0.6x with 2 jobs); same test accuracy: "
              f"{d['test_acc'] == s['test_acc']}")
    print("train s: the kept configuration's training; search s: all configurations; total s: loading, search, "
          "evaluation and plots; CPU s: the CPU time of the whole job, workers included (the same work for any "
          "number of jobs: wall time gains only where idle cores are free). peak MB: the job's main process; "
          "worker MB: the largest worker (shared pages counted in each); PSS MB: all of them together, shared "
          "pages counted once.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--jobs", type=int, default=2, help="workers of the default job's search (default: 2)")
    parser.add_argument("--skip-sklearn", action="store_true")
    parser.add_argument("--only", type=lambda text: text.split(","), default=None,
                        help=f"comma-separated jobs to run, of {', '.join(JOBS)} (default: all)")
    parser.add_argument("--child", choices=JOBS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.data_dir, args.jobs)
    import cifar10_data
    if not cifar10_data.has_full_data(args.data_dir):
        sys.exit(f"error: the full CIFAR-10 is not in {args.data_dir or cifar10_data.DATASETS_DIR}; "
                 f"run `bash datasets/get_datasets.sh` first")
    jobs = [job for job in JOBS if not job.startswith("sklearn")]
    try:
        import sklearn  # noqa: F401
        if not args.skip_sklearn:
            jobs += list(SAME_DTYPE.values())
    except ImportError:
        print("scikit-learn is not installed: no LogisticRegression reference (pip install scikit-learn)")
    if args.only:
        unknown = set(args.only) - set(JOBS)
        if unknown:
            parser.error(f"--only: unknown jobs {', '.join(sorted(unknown))}; choose from {', '.join(JOBS)}")
        jobs = [job for job in jobs if job in args.only]
    results = {job: run_job(job, args) for job in jobs}
    report(results)
    return results


if __name__ == "__main__":
    main()
