"""Time the autograder: one submission, and a batch graded with --jobs, extrapolated to 100.

    python benchmarks/bench_grade.py [--count 20] [--jobs 2]

The submissions are complete CS231n-layout submissions (all three graded files), each made
distinct by a comment so every one gets its own inputs; a fifth of them carry one of the
hand-written mistakes of tests/submissions/ in softmax.py, as a real class would. No part
hits its time limit. Figures: the wall time of one submission, of ``count`` submissions with
``jobs`` at a time, the time per submission, and 100 submissions extrapolated linearly.
"""
import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from instructor import grade  # noqa: E402

FULL = ROOT / "tests" / "submissions" / "cs231n_old"
MISTAKES = ["log10", "half_reg", "grad_not_divided", "no_max_shift", "onehot_missing"]


def make_submissions(folder, count):
    """``count`` distinct submission folders under ``folder``."""
    paths = []
    for i in range(count):
        target = folder / f"student{i:03d}"
        shutil.copytree(FULL, target)
        softmax = target / "cs231n" / "classifiers" / "softmax.py"
        if i % 5 == 4:      # this softmax_loss_naive carries a mistake
            bug = (ROOT / "tests" / "submissions" / MISTAKES[i // 5 % len(MISTAKES)] / "softmax.py").read_text()
            vectorized = softmax.read_text().split("def softmax_loss_vectorized")[1]
            if "def softmax_loss_naive" in bug:
                softmax.write_text(bug + "\n\ndef softmax_loss_vectorized" + vectorized)
        with open(softmax, "a") as f:
            f.write(f"\n# student {i}\n")
        paths.append(str(target))
    return paths


def timed(argv):
    start = time.perf_counter()
    grade.main(argv + ["--quiet"])
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20, help="submissions in the batch")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_submissions(Path(tmp), args.count)
        one = timed([paths[0]])
        batch = timed(paths + ["--jobs", str(args.jobs), "--csv", str(Path(tmp) / "grades.csv")])
    per = batch / args.count
    print(f"one submission: {one:.1f} s")
    print(f"{args.count} submissions with --jobs {args.jobs}: {batch:.1f} s, {per:.2f} s each")
    print(f"100 submissions with --jobs {args.jobs} (extrapolated): {100 * per / 60:.1f} min")
    return {"one": one, "batch": batch, "per": per}


if __name__ == "__main__":
    main()
