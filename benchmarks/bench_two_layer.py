"""Time to 0.55 test accuracy of the two-layer network: numpy (this package), PyTorch and scikit-learn.

The package's recipe in numpy, the same network and recipe in PyTorch (CPU), and
scikit-learn's MLPClassifier, side by side in one run:

    python benchmarks/bench_two_layer.py [--data-dir DIR] [--threads N] [--repeats R] [--only JOB,JOB]
                                         [--epochs E] [--lr LR --reg REG]

Each job runs in its own process (so its peak memory is its own), one after the other, on
the same data: CIFAR-10's first 49,000 training images, pixels standardized with their
statistics, float32, and all 10,000 test images. The default command runs first; then each
single run trains the configuration it kept (or ``--lr`` and ``--reg``) with the rest of the
default recipe of ``train --model two-layer`` (softmax_cifar10/models.py: 500 hidden units, its
weight scale, batches of 200 from an epoch-wise shuffle, momentum 0.9, the rate multiplied by
the decay after every epoch, a random half of every batch mirrored, 10 epochs) and scores the
test images after every epoch, outside the timing:

- numpy: softmax_cifar10.net_recipe.train, the package's recipe (the averaging of the last
  epochs' parameters included);
- torch: the same network in PyTorch, float32, torch.optim.SGD with momentum and weight
  decay on the weights (PyTorch applies the rate to the velocity, v <- mu v + g; w <- w - lr v,
  which differs from the package's v <- mu v - lr g; w <- w + v only when the rate changes),
  the same schedule, mirroring and averaging; initialized from the same normal distribution;
- sklearn: MLPClassifier(hidden_layer_sizes=(500,), solver="sgd"), one partial_fit per epoch
  with the same rate, momentum, batch size and L2 penalty (its alpha is divided by the batch
  size: alpha = reg * 200), a fresh random half of the images mirrored before each epoch, and
  the rate decayed per epoch by setting its optimizer's rate (a private attribute: scikit-learn
  has no per-epoch schedule); it initializes its own way and does no averaging;
- default: the whole ``python -m classifiers train --model two-layer`` (its search in parallel
  worker processes, loading, evaluation and plots), for its total time and test accuracy.

The BLAS and PyTorch threads are ``--threads`` (default: every core) for all three single
runs. "to 0.55" is the training time (scoring left out) at the end of the first epoch whose
test accuracy reached 0.55; the ratios divide each job's time by numpy's. With ``--repeats R``
the single jobs run R times in turn and the run of median training time is shown. Memory is
the peak resident set of the job's process in MB of 10^6 bytes.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from softmax_cifar10 import blas_kernel  # noqa: E402

blas_kernel.pin()       # the command line's matrix-product kernel (each job loads numpy later, in its process)

JOBS = ("default", "numpy", "torch", "sklearn")
TARGET = 0.55


def megabytes(kib):
    """ru_maxrss (KiB on Linux) in MB of 10^6 bytes, the one memory unit of the README and docs/."""
    return kib * 1024 / 1e6


def cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def recipe(learning_rate, reg, epochs=None):
    """The settings of the single runs: train --model two-layer's default recipe at this (lr, reg)."""
    from softmax_cifar10.models import KINDS
    from softmax_cifar10.pipeline import TrainConfig
    config = TrainConfig(model="two-layer")
    epochs = epochs or config.epochs
    return dict(learning_rate=learning_rate, reg=reg, hidden_dim=config.hidden_dim,
                weight_scale=KINDS["two-layer"].weight_scale, epochs=int(epochs), batch_size=config.batch_size,
                momentum=config.momentum, lr_decay=config.lr_decay,
                average_epochs=min(3, epochs) if config.average_epochs is None else config.average_epochs)


def load(data_dir):
    """Standardized float32 images (N, 32, 32, 3), channels last, and labels: 49,000 training, 10,000 test."""
    import numpy as np
    import cifar10_data
    Xtr, ytr, Xte, yte = cifar10_data.load_CIFAR10(data_dir or cifar10_data.DATASETS_DIR / cifar10_data.FOLDER,
                                                 dtype=np.uint8)
    pre = cifar10_data.Preprocessor("standardize", bias=False, dtype=np.float32).fit(Xtr[:49000])
    X, Xt = pre.transform(Xtr[:49000]), pre.transform(Xte)
    return X.reshape(-1, 32, 32, 3), ytr[:49000], Xt.reshape(-1, 32, 32, 3), yte


def first_at(epochs):
    """Training seconds at the first (seconds, accuracy) pair reaching TARGET, or None."""
    return next((s for s, acc in epochs if acc >= TARGET), None)


def run_numpy(s, X, y, Xt, yt):
    import numpy as np
    from softmax_cifar10 import net_recipe
    from classifiers.fc_net import TwoLayerNet
    model = TwoLayerNet(3072, s["hidden_dim"], 10, s["weight_scale"], s["reg"], dtype=np.float32, seed=0)
    history = net_recipe.train(model, X, y, s["learning_rate"], s["epochs"], s["batch_size"], momentum=s["momentum"],
                               lr_decay=s["lr_decay"], mirror=True, layout="channels_last",
                               average_epochs=s["average_epochs"], X_val=Xt, y_val=yt, seed=0)
    epochs = [(sec, acc) for sec, (_, acc) in zip(history["seconds"], history["val_acc"])]
    return epochs, net_recipe.accuracy(model, Xt, yt)


def run_torch(s, X, y, Xt, yt, threads):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    D, H = 3072, s["hidden_dim"]
    W1 = torch.nn.Parameter(torch.randn(D, H) * s["weight_scale"])
    W2 = torch.nn.Parameter(torch.randn(H, 10) * s["weight_scale"])
    b1, b2 = torch.nn.Parameter(torch.zeros(H)), torch.nn.Parameter(torch.zeros(10))
    params = [W1, b1, W2, b2]
    opt = torch.optim.SGD([{"params": [W1, W2], "weight_decay": s["reg"]}, {"params": [b1, b2]}],
                          lr=s["learning_rate"], momentum=s["momentum"])
    X_t, y_t, Xt_t = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(Xt.reshape(len(Xt), -1))
    B, N = s["batch_size"], len(y)
    per_epoch = N // B
    average_from = (s["epochs"] - s["average_epochs"]) * per_epoch
    total, count, epochs, seconds = None, 0, [], 0.0

    def scores(ps, x):
        return torch.relu(x @ ps[0] + ps[1]) @ ps[2] + ps[3]
    for epoch in range(s["epochs"]):
        start = time.perf_counter()
        for group in opt.param_groups:
            group["lr"] = s["learning_rate"] * s["lr_decay"] ** epoch
        order = torch.randperm(N)
        for k in range(per_epoch):
            idx = order[k * B:(k + 1) * B]
            xb = X_t[idx]
            flip = torch.rand(B) < 0.5
            xb[flip] = xb[flip].flip(2)                        # (B, 32, 32, 3): axis 2 is the width
            loss = torch.nn.functional.cross_entropy(scores(params, xb.reshape(B, -1)), y_t[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            if epoch * per_epoch + k >= average_from:
                with torch.no_grad():
                    now = [p.detach().double() for p in params]
                    total = now if total is None else [a + b for a, b in zip(total, now)]
                    count += 1
        seconds += time.perf_counter() - start
        with torch.no_grad():
            epochs.append((seconds, float((scores(params, Xt_t).argmax(1).numpy() == yt).mean())))
    with torch.no_grad():
        kept = [(t / count).float() for t in total] if count else params
        final = float((scores(kept, Xt_t).argmax(1).numpy() == yt).mean())
    return epochs, final


def run_sklearn(s, X, y, Xt, yt):
    import warnings
    import numpy as np
    from sklearn.neural_network import MLPClassifier
    import cifar10_data
    rows, Xt_rows = X.reshape(len(X), -1), Xt.reshape(len(Xt), -1)
    mirror = cifar10_data.mirror_permutation(bias=False)
    clf = MLPClassifier(hidden_layer_sizes=(s["hidden_dim"],), solver="sgd", learning_rate="constant",
                        learning_rate_init=s["learning_rate"], momentum=s["momentum"], nesterovs_momentum=False,
                        alpha=s["reg"] * s["batch_size"], batch_size=s["batch_size"], shuffle=True, random_state=0)
    rng, epochs, seconds = np.random.default_rng(0), [], 0.0
    for epoch in range(s["epochs"]):
        start = time.perf_counter()
        flip = np.flatnonzero(rng.random(len(rows)) < 0.5)
        rows[flip] = rows[flip][:, mirror]                    # a fresh random half flipped (in place)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.partial_fit(rows, y, classes=np.arange(10))
        clf._optimizer.learning_rate *= s["lr_decay"]         # scikit-learn has no per-epoch schedule
        seconds += time.perf_counter() - start
        epochs.append((seconds, float(np.mean(clf.predict(Xt_rows) == yt))))
    return epochs, epochs[-1][1]


def run_default(data_dir, out):
    from softmax_cifar10.pipeline import TrainConfig, train
    r = train(TrainConfig(model="two-layer", data_dir=data_dir, download=False, out=out, progress=False),
              log=lambda m: None)
    return r


def child(job, args):
    from threadpoolctl import threadpool_limits
    start, threads = time.perf_counter(), args.threads
    if job == "default":
        with tempfile.TemporaryDirectory() as out:
            r = run_default(args.data_dir, out)
        result = {"test_acc": r["test_acc"], "train_s": r["seconds"]["best_config"], "total_s": r["seconds"]["total"],
                  "search_s": r["seconds"]["search"], "configs": len(r["search"]), "jobs": r["jobs"],
                  "best": r["best"], "to_target": None, "epochs": []}
    else:
        s = recipe(args.lr, args.reg, args.epochs)
        data = load(args.data_dir)
        with threadpool_limits(threads):
            run = {"numpy": lambda: run_numpy(s, *data), "torch": lambda: run_torch(s, *data, threads),
                   "sklearn": lambda: run_sklearn(s, *data)}[job]
            per_epoch, final = run()
        result = {"test_acc": final, "train_s": per_epoch[-1][0], "total_s": time.perf_counter() - start,
                  "to_target": first_at(per_epoch), "epochs": per_epoch, "threads": threads}
    result["peak_mb"] = megabytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print(json.dumps(result))


def run_job(job, args):
    cmd = [sys.executable, __file__, "--child", job, "--threads", str(args.threads)]
    cmd += ["--data-dir", args.data_dir] if args.data_dir else []
    cmd += ["--epochs", str(args.epochs)] if args.epochs else []
    cmd += ["--lr", str(args.lr), "--reg", str(args.reg)] if args.lr is not None else []
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        sys.exit(f"{job} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def median_run(runs):
    """The run of median training time among a job's repeats (its accuracies are the same every time)."""
    return sorted(runs, key=lambda r: r["train_s"])[(len(runs) - 1) // 2]


def report(results, args):
    print(f"CIFAR-10, 49,000 training images, accuracy on the 10,000 test images; single runs at lr={args.lr:g} "
          f"reg={args.reg:g} with {args.threads} threads each, the median of {args.repeats} run(s) taken in turn; "
          f"memory in MB (10^6 bytes)")
    runs = results
    results = {job: median_run(r) for job, r in runs.items()}
    base = results.get("numpy", {}).get("to_target")
    print(f"{'job':>8} {'test acc':>9} {'train s':>8} {f'to {TARGET}':>8} {'x numpy':>8} {'total s':>8} "
          f"{'peak MB':>8}   test accuracy after each epoch")
    for job, r in results.items():
        to = r["to_target"]
        ratio = f"{to / base:.2f}x" if to and base else "-"
        reached = f"{to:8.1f}" if to else (f"{'never':>8}" if r["epochs"] else f"{'-':>8}")
        curve = " ".join(f"{acc:.3f}" for _, acc in r["epochs"])
        print(f"{job:>8} {r['test_acc']:9.4f} {r['train_s']:8.1f} {reached} {ratio:>8} {r['total_s']:8.1f} "
              f"{r['peak_mb']:8.0f}   {curve}")
        if len(runs[job]) > 1:
            seconds = ", ".join(f"{run['train_s']:.1f}" for run in runs[job])
            print(f"{'':>8} training seconds of each run: {seconds}")
    if "default" in results:
        d = results["default"]
        print(f"default: {d['configs']} configurations searched by {d['jobs']} workers in {d['search_s']:.1f} s; the "
              f"kept one trained in {d['train_s']:.1f} s (one BLAS thread); {d['total_s']:.1f} s in all")
    print(f"train s: the training time (scoring after each epoch left out); to {TARGET}: the training time at the end "
          f"of the first epoch whose test accuracy reached {TARGET}; x numpy: that time over numpy's; total s: the job's "
          f"whole process (loading, training, scoring).")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--threads", type=int, default=cores(), help="BLAS/PyTorch threads of each single run")
    parser.add_argument("--epochs", type=int, default=None, help="epochs of the single runs (default: the recipe's)")
    parser.add_argument("--lr", type=float, default=None, help="learning rate of the single runs (default: the one "
                                                               "the default command keeps)")
    parser.add_argument("--reg", type=float, default=None, help="regularization of the single runs (with --lr)")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each single job, taken in turn (default 1)")
    parser.add_argument("--only", type=lambda text: text.split(","), default=None,
                        help=f"comma-separated jobs to run, of {', '.join(JOBS)} (default: all available)")
    parser.add_argument("--child", choices=JOBS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args)
    if (args.lr is None) != (args.reg is None):
        parser.error("give both --lr and --reg, or neither (then the default command's choice is used)")
    import cifar10_data
    if not cifar10_data.has_full_data(args.data_dir):
        sys.exit(f"error: the full CIFAR-10 is not in {args.data_dir or cifar10_data.DATASETS_DIR}; "
                 f"run `bash datasets/get_datasets.sh` first")
    jobs = list(JOBS)
    for job, module in (("torch", "torch"), ("sklearn", "sklearn")):
        try:
            __import__(module)
        except ImportError:
            print(f"{module} is not installed: no {job} job")
            jobs.remove(job)
    if args.only:
        unknown = set(args.only) - set(JOBS)
        if unknown:
            parser.error(f"--only: unknown jobs {', '.join(sorted(unknown))}; choose from {', '.join(JOBS)}")
        jobs = [job for job in jobs if job in args.only]
    if args.lr is None and "default" not in jobs:
        parser.error("without the default job, give the single runs' --lr and --reg")
    results = {}
    if "default" in jobs:
        results["default"] = [run_job("default", args)]
        if args.lr is None:
            args.lr, args.reg = results["default"][0]["best"]["learning_rate"], results["default"][0]["best"]["reg"]
    singles = [job for job in jobs if job != "default"]
    for _ in range(args.repeats):                  # in turn, so that a busy spell of the machine hits each job
        for job in singles:
            results.setdefault(job, []).append(run_job(job, args))
    report(results, args)
    return results


if __name__ == "__main__":
    main()
