"""Time the autograder: one submission, and a batch graded with --jobs, with the sandbox and without
(--no-sandbox), and optionally another checkout's grader on the same batch, in the same run.

    python benchmarks/bench_grade.py [--count 20] [--jobs 2] [--rounds 1] [--baseline DIR ...]

The submissions are complete CS231n-layout submissions (all three graded files), each made
distinct by a comment so every one gets its own inputs; a fifth of them carry one of the
hand-written mistakes of tests/submissions/ in softmax.py, as a real class would. No part
hits its time limit. Figures: the wall time of one submission, of ``count`` submissions with
``jobs`` at a time, the time per submission, and 100 submissions extrapolated linearly; the
ratios are measured within the run, so they hold on a busy machine where the times do not.
``--baseline DIR`` (repeatable) also times ``python -m instructor grade`` run from DIR (e.g. an
older checkout, made with ``git worktree add DIR COMMIT``). ``--rounds R`` grades the batch R times with
each grader, in alternating order (A B C, C B A, ...), so a load that changes during the run weighs on
them alike; the figures are the totals over the rounds.
"""
import argparse
import shutil
import subprocess
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


def timed_elsewhere(folder, argv):
    """The same command run by the grader of another checkout, in a process of its own."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "instructor", "grade", *argv, "--quiet"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20, help="submissions in the batch")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="batches graded by each grader, alternating")
    parser.add_argument("--baseline", metavar="DIR", action="append", default=[],
                        help="also time the grader of the checkout in DIR (repeatable)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_submissions(Path(tmp), args.count)
        batch = paths + ["--jobs", str(args.jobs), "--csv", str(Path(tmp) / "grades.csv")]
        graders = {"with the sandbox": lambda: timed(batch), "without (--no-sandbox)": lambda: timed(
            batch + ["--no-sandbox"])}
        for folder in args.baseline:
            graders[f"the grader of {folder}"] = lambda folder=folder: timed_elsewhere(folder, batch)
        one = timed([paths[0]])
        totals = dict.fromkeys(graders, 0.0)
        for k in range(args.rounds):
            for name in list(graders)[::1 if k % 2 == 0 else -1]:
                totals[name] += graders[name]()
    graded = args.count * args.rounds
    sandboxed = totals["with the sandbox"]
    print(f"one submission: {one:.1f} s")
    for name, seconds in totals.items():
        print(f"{graded} submissions with --jobs {args.jobs}, {name}: {seconds:.1f} s, {seconds / graded:.2f} s each; "
              f"{seconds / sandboxed:.2f}x the sandboxed time")
    print(f"100 submissions with --jobs {args.jobs} (extrapolated): {100 * sandboxed / graded / 60:.1f} min with the "
          f"sandbox, {100 * totals['without (--no-sandbox)'] / graded / 60:.1f} min without")
    return {"one": one, "batch": sandboxed, "per": sandboxed / graded, "totals": totals}


if __name__ == "__main__":
    main()
