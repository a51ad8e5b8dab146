"""Time and peak memory of cifar10_data.get_CIFAR10_data, against the same steps written as CS231n's does them.

    python benchmarks/bench_data.py [--data-dir DIR] [--repeats N]

Each measurement runs in its own process, so its peak resident set is its own:
- get_CIFAR10_data: ``cifar10_data.get_CIFAR10_data(cifar10_dir=...)`` with its defaults
  (49,000 / 1,000 / 1,000 images, float64, mean image subtracted, channels first);
- reference: CS231n's steps, written out: load everything as float64, slice with index
  lists (copies), subtract the mean image in place, transpose each split and copy it.
Both return equal arrays (checked here). Prints seconds and peak MB (10^6 bytes) of each,
and their ratios measured in the same run. Needs the full CIFAR-10 (datasets/ or --data-dir).
"""
import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def reference(folder):
    import numpy as np
    import cifar10_data
    Xtr, ytr, Xte, yte = cifar10_data.load_CIFAR10(folder, dtype=np.float64)
    X_val, X_train, X_test = Xtr[list(range(49000, 50000))], Xtr[list(range(49000))], Xte[list(range(1000))]
    mean_image = np.mean(X_train, axis=0)
    X_train -= mean_image
    X_val -= mean_image
    X_test -= mean_image
    return {"X_train": X_train.transpose(0, 3, 1, 2).copy(), "X_val": X_val.transpose(0, 3, 1, 2).copy(),
            "X_test": X_test.transpose(0, 3, 1, 2).copy()}


def child(job, folder):
    import numpy as np
    import cifar10_data
    start = time.perf_counter()
    data = cifar10_data.get_CIFAR10_data(cifar10_dir=folder) if job == "get_CIFAR10_data" else reference(folder)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6      # KiB on Linux
    checksum = float(sum(np.square(data[k][i]).sum() for k in ("X_train", "X_val", "X_test")
                         for i in range(len(data[k]))))                           # one image at a time
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "checksum": checksum}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="the folder holding cifar-10-batches-py/ [default: datasets/]")
    parser.add_argument("--repeats", type=int, default=1, help="measurements of each [default: 1]")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    import cifar10_data
    folder = str(cifar10_data.layout.resolve_root(args.data_dir or cifar10_data.DATASETS_DIR))
    if args.child:
        return child(args.child, folder)
    if not cifar10_data.has_full_data(folder):
        sys.exit(f"error: the full CIFAR-10 is not in {folder}; bash datasets/get_datasets.sh downloads it")
    print(f"{'':>18} {'seconds':>8} {'peak MB':>8}   (each in its own process)")
    for _ in range(args.repeats):
        rows = {}
        for job in ("get_CIFAR10_data", "reference"):
            out = subprocess.run([sys.executable, __file__, "--child", job, "--data-dir", folder],
                                 capture_output=True, text=True, check=True).stdout
            rows[job] = json.loads(out.strip().splitlines()[-1])
            print(f"{job:>18} {rows[job]['seconds']:8.2f} {rows[job]['peak_mb']:8.0f}")
        ours, ref = rows["get_CIFAR10_data"], rows["reference"]
        assert abs(ours["checksum"] - ref["checksum"]) <= 1e-9 * ref["checksum"], "the two disagree"
        print(f"{'ratio':>18} {ours['seconds'] / ref['seconds']:7.2f}x {ours['peak_mb'] / ref['peak_mb']:7.2f}x")


if __name__ == "__main__":
    main()
