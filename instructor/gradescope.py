"""python -m instructor gradescope OUT.zip [--accept-half-reg] [--timeout S]

Builds an autograder zip per Gradescope's specification: ``setup.sh`` (installs numpy and threadpoolctl),
``run_autograder`` (grades /autograder/submission and writes /autograder/results/results.json)
and the sources it runs: this grader (instructor/), the reference (classifiers/) and the
repository's modules and packages they import (data_utils.py, checks/, ...), found by reading
their imports.
``AUTOGRADER_ROOT`` and ``AUTOGRADER_PYTHON`` redirect run_autograder, for testing it locally.
"""
import argparse
import sys
import zipfile

from .grade import repo_sources

SOURCES = ("instructor", "classifiers")

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, in /autograder/source, to build the image.
set -euo pipefail
if ! command -v python3 >/dev/null; then
    apt-get update && apt-get install -y python3 python3-pip
fi
python3 -m pip install "numpy>=1.22" "threadpoolctl>=3.1"
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this as /autograder/run_autograder for every submission.
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-python3}}"
mkdir -p "$ROOT/results"
rm -f "$ROOT/results/results.json"
cd "$ROOT/source" || exit 1
"$PYTHON" -m instructor grade "$ROOT/submission" --json "$ROOT/results/results.json" --quiet{options}
status=$?
# 2: the submission could not be read, and the grader wrote results.json saying why
if [ "$status" -ne 0 ] && {{ [ "$status" -ne 2 ] || [ ! -s "$ROOT/results/results.json" ]; }}; then
    echo '{{"score": 0, "output": "The autograder itself failed; please tell the instructor.", "tests": []}}' \\
        > "$ROOT/results/results.json"
fi
"""


def _add(archive, name, text, mode=0o755):
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o100000 | mode) << 16
    archive.writestr(info, text)


def build(out, options=""):
    """Write the autograder zip to ``out``; returns the list of its members."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "setup.sh", SETUP)
        _add(archive, "run_autograder", RUN.format(options=options))
        for rel, data in repo_sources(SOURCES).items():
            archive.writestr(rel, data)
        return archive.namelist()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instructor gradescope", description=__doc__.split("\n\n")[1])
    parser.add_argument("out", metavar="OUT.zip", help="the autograder zip to write")
    parser.add_argument("--accept-half-reg", action="store_true", help="passed on to the grader")
    parser.add_argument("--timeout", type=float, default=20.0, metavar="S", help="passed on to the grader")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not args.out.endswith(".zip"):
        parser.error(f"OUT.zip must end in .zip, got {args.out!r}")
    if args.timeout <= 0:
        parser.error(f"--timeout must be > 0, got {args.timeout}")
    options = f" --timeout {args.timeout:g}" + (" --accept-half-reg" if args.accept_half_reg else "")
    members = build(args.out, options)
    print(f"wrote {args.out}: {len(members)} files; upload it as the assignment's autograder on Gradescope")
    return 0
