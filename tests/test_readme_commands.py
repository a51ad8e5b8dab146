"""Every command in the shell blocks of README.md, of docs/*.md and of the students' README
(instructor/edition/README.md) runs as written from a fresh copy after the set-up the README gives: `make ...`,
or the Python of the `.venv/` that every target makes (the README said `python -m instructor release`: on a
clone with only `.venv` set up, python3 had no threadpoolctl and the release failed).

Each command is run (RUNS says how: as written, or with a placeholder filled in or a shorter argument where
the full run takes minutes), or else RUNS says why it cannot be."""
import os
import re
import shutil
import subprocess
import zipfile

import numpy as np
import pytest

import cifar10_data
from conftest import ROOT, require, sandbox_problem

EDITION = "instructor/edition/README.md"
FENCE = re.compile(r"^```(?:bash|sh|shell)\n(.*?)^```", re.M | re.S)
FAST = "--sample --epochs 1 --lr 1e-3 --reg 1e-2 --quiet"
NETWORK = "downloads CIFAR-10 (170 MB) from the network when the full data set is not here"

#: how each command is run, per file with shell blocks, in the order the files are run (each uses what the
#: ones before it made): None as written; a string: the command run instead (placeholders filled in, or a
#: shorter argument, said why in a comment); ("skip", why) where it cannot be run in a test
RUNS = {
    "README.md": {
        "make train": f'make train ARGS="{FAST}"',              # the default run takes minutes: one epoch on the sample
        "make test": "make test ARGS=tests/test_atomic_write.py",   # the whole suite is this suite: one module of it
    },
    "docs/command-line.md": {
        ".venv/bin/python -m classifiers train [flags]": f".venv/bin/python -m classifiers train {FAST}",
        ".venv/bin/python -m classifiers evaluate runs/<timestamp>": "{run}",
        ".venv/bin/python -m classifiers predict runs/<timestamp> cat.jpg dog.png": "{run}",
        ".venv/bin/python -m classifiers download [--data-dir DIR]": "{data}",
    },
    "docs/instructors.md": {
        "make venv": None,
        ".venv/bin/python -m instructor release ../assignment1": None,
        ".venv/bin/python -m instructor grade submission.zip --json results.json": None,
        ".venv/bin/python -m instructor grade subs/* --csv grades.csv --jobs 2": None,
        ".venv/bin/python -m instructor grade . --answers answers/": None,
        ".venv/bin/python -m instructor gradescope autograder.zip": None,
    },
    EDITION: {                                    # run in the edition that the release command wrote
        "make venv": None,
        "bash datasets/get_datasets.sh": "{data}",
        "make notebook": ("skip", "it starts a Jupyter server that runs until stopped (make -n notebook is checked "
                                  "instead: it runs jupyter on notebooks/)"),
        "make check": None,
        "make check ARGS=softmax_loss_naive": None,
        "make test": None,
        "make submit": None,
    },
}
#: the repository's files of shell blocks, run in the repository (the edition's README runs in the edition)
REPOSITORY = [name for name in RUNS if name != EDITION]
#: the grading commands, run last: they grade the hand-in that the edition's commands made
GRADING = "docs/instructors.md"
GRADES = [c for c in RUNS[GRADING] if " -m instructor grade" in c or " gradescope " in c]


def commands(path):
    """The commands of a document's shell blocks, in order: each line without its comment."""
    found = []
    for block in FENCE.findall(path.read_text()):
        for line in block.replace("\\\n", " ").splitlines():
            command = re.sub(r"(^|\s)#.*$", "", line).strip()
            if command:
                found.append(command)
    return found


def documents():
    """README.md and docs/*.md, as paths relative to the repository."""
    return ["README.md"] + sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))


def test_every_document_with_shell_blocks_has_its_runs():
    """A shell block in a new page of docs/ (or one moved there) is run too: its file is in RUNS."""
    with_commands = [name for name in documents() if commands(ROOT / name)]
    assert [name for name in with_commands if name not in RUNS] == [], "add each file of shell blocks to RUNS"
    assert [name for name in REPOSITORY if name not in with_commands] == [], "a file of RUNS has no shell block"


def test_every_command_needs_only_make_or_the_venv_and_has_a_run():
    """No bare `python`, `python3` or `pip`: after the set-up, only `make` and `.venv/` have the package."""
    for readme, runs in RUNS.items():
        found = commands(ROOT / readme)
        assert found and [c for c in found if not c.startswith(("make ", ".venv/bin/", "bash datasets/"))] == []
        assert [c for c in found if c not in runs] == [], f"{readme}: add each new command to RUNS, with how it is run"
        assert [c for c in runs if c not in found] == [], f"{readme}: a command of RUNS is no longer in it"


def copy_of(source, dest):
    """``source`` copied as a fresh clone has it (no .venv, data, runs or caches), with this repository's
    .venv linked in."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(
        ".git", ".venv", "runs", "cifar-10-batches-py", "cifar-10-python.tar.gz*", "__pycache__", ".pytest_cache",
        "*.egg-info", "build", "dist", "submission.zip", "submission.pdf",
        # what the documents' commands write, should they have been run in this checkout
        "subs", "answers", "results.json", "grades.csv", "autograder.zip", "cat.jpg", "dog.png"))
    linked_venv(dest)
    return dest


def filled(readme, command, cwd, full_data):
    """The command to run for ``command`` of ``readme`` in folder ``cwd``, or ("skip", why)."""
    run = RUNS[readme][command]
    if run is None or isinstance(run, tuple):
        return run or command
    if run == "{run}":                  # the run folder the train commands made
        latest = sorted(p for p in (cwd / "runs").iterdir() if (p / "model.npz").is_file())[-1]
        return command.replace("runs/<timestamp>", f"runs/{latest.name}")
    if run == "{data}":                 # offline only when the full data set is here: it is verified, not fetched
        if full_data is None:
            return "skip", NETWORK
        (cwd / "datasets" / cifar10_data.FOLDER).symlink_to(full_data, target_is_directory=True)
        return command.replace("[--data-dir DIR]", "--data-dir datasets")
    return run


def clean_env():
    """The environment of a new shell: none of make's variables nor the Makefile's (run by `make test ARGS=...`,
    a make inside would get its ARGS), none of this Python's, and no display."""
    makefile = re.findall(r"(?m)^([A-Z_]+) *\?=", (ROOT / "Makefile").read_text())
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", *makefile)
    return {**{k: v for k, v in os.environ.items() if k not in drop}, "MPLBACKEND": "Agg"}


def run_all(readme, cwd, full_data, skip=()):
    """Run every command of ``readme`` in ``cwd`` but those in ``skip``: [failure], [(command, why skipped)]."""
    failures, skipped = [], []
    env = clean_env()
    for command in commands(ROOT / readme):
        if command in skip:
            continue
        run = filled(readme, command, cwd, full_data)
        if isinstance(run, tuple):
            skipped.append((command, run[1]))
            continue
        proc = subprocess.run(["bash", "-c", run], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
        if proc.returncode != 0:
            failures.append(f"{run} (in {cwd.name}/) exited {proc.returncode}:\n{proc.stdout[-1500:]}{proc.stderr[-1500:]}")
    return failures, skipped


def images(folder):
    from PIL import Image
    rng = np.random.default_rng(0)
    for name in ("cat.jpg", "dog.png"):
        Image.fromarray(rng.integers(0, 256, (40, 48, 3), dtype=np.uint8)).save(folder / name)


def linked_venv(folder):
    """This repository's .venv linked into ``folder`` in place of `make venv`'s: its stamp stays newer than
    setup.cfg and pyproject.toml, so make installs nothing (installing takes minutes and the network)."""
    (folder / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    stamp = (ROOT / ".venv" / ".installed").stat().st_mtime
    for name in ("setup.cfg", "pyproject.toml"):
        os.utime(folder / name, (stamp - 1, stamp - 1))


@pytest.mark.slow
def test_every_readme_command_runs_as_written_from_a_fresh_copy(tmp_path):
    require((ROOT / ".venv" / ".installed").is_file() and shutil.which("make"),
            "the README's commands run with make and the .venv that `make venv` makes")
    full = cifar10_data.DATASETS_DIR / cifar10_data.FOLDER
    full_data = full.resolve() if cifar10_data.has_full_data(full) else None
    repo = copy_of(ROOT, tmp_path / "repo")
    images(repo)
    failures, skipped = [], []
    for name in REPOSITORY:
        more, more_skipped = run_all(name, repo, full_data, skip=GRADES if name == GRADING else ())
        failures, skipped = failures + more, skipped + more_skipped
    edition = tmp_path / "assignment1"           # the release command's folder, ../assignment1
    assert (edition / "assignment_checks" / "expected.json").is_file(), failures
    linked_venv(edition)
    more, more_skipped = run_all(EDITION, edition, full_data)
    failures, skipped = failures + more, skipped + more_skipped
    dry = subprocess.run(["make", "-n", "notebook"], cwd=edition, capture_output=True, text=True, env=clean_env())
    assert "jupyter notebook" in dry.stdout and "notebooks/" in dry.stdout, dry.stdout + dry.stderr
    assert zipfile.is_zipfile(edition / "submission.zip") and (edition / "submission.pdf").is_file(), failures
    shutil.copy(edition / "submission.zip", repo / "submission.zip")     # the hand-in the grading commands read
    (repo / "subs").mkdir()
    for name in ("alice.zip", "bob.zip"):
        shutil.copy(edition / "submission.zip", repo / "subs" / name)
    problem = sandbox_problem()
    if problem is None:
        failures += run_all(GRADING, repo, full_data, skip=set(RUNS[GRADING]) - set(GRADES))[0]
    else:
        skipped += [(c, f"the grader's sandbox cannot run here: {problem}") for c in GRADES]
    assert failures == [], "\n\n".join(failures)
    assert problem or all((repo / p).exists() for p in ("results.json", "grades.csv", "answers", "autograder.zip"))
    missing = [f"{c}: {why}" for c, why in skipped if why in (NETWORK,) or "sandbox" in why]
    require(not missing, "run, but for: " + "; ".join(missing))
