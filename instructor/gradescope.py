"""python -m instructor gradescope OUT.zip [--accept-half-reg] [--timeout S] [--layout {package,cs231n}]

Builds an autograder zip per Gradescope's specification: ``setup.sh`` (a virtual environment with
numpy and threadpoolctl, bubblewrap where the image allows it, and the account ``student`` that submitted code runs
as where namespaces are forbidden), ``run_autograder`` (grades /autograder/submission and writes
/autograder/results/results.json) and the sources it runs: the grader's modules (what
instructor/grade.py imports, directly or not), the harness it hands its children, and the solution's
classifiers/ and assignment_checks/, which it cuts into the student edition's. Nothing of it is readable by
``student``.
``AUTOGRADER_ROOT``, ``AUTOGRADER_PYTHON`` (run_autograder) and ``AUTOGRADER_SETUP_PYTHON``
(setup.sh) redirect them, for testing them locally.
"""
import argparse
import sys
import zipfile

from .grade import LAYOUTS, repo_sources

SOURCES = ("instructor/__main__.py", "instructor/grade.py", "instructor/harness.py", "classifiers", "assignment_checks")
ACCOUNT = "student"     # the account submitted code runs as where namespaces are forbidden

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, to build the image.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_SETUP_PYTHON:-python3}}"
export DEBIAN_FRONTEND=noninteractive
if ! command -v "$PYTHON" >/dev/null || ! "$PYTHON" -c "import ensurepip, venv" 2>/dev/null; then
    apt-get update && apt-get install -y python3 python3-venv
fi
# namespaces where the container allows them; otherwise the grader runs children as {account}
command -v bwrap >/dev/null || {{ apt-get update && apt-get install -y bubblewrap; }} || true
id -u {account} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin {account}
# a virtual environment: a Python marked externally managed (PEP 668) refuses to install outside one
"$PYTHON" -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --quiet --disable-pip-version-check "numpy>=1.22" "threadpoolctl>=3.1"
chmod -R a+rX "$ROOT/venv"                    # {account} runs this Python, numpy and threadpoolctl,
chmod -R go-rwx "$ROOT/source"                # and reads nothing of the grader
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this as root, as /autograder/run_autograder, for every submission.
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
rm -f "$ROOT/results/results.json"
# submitted code, run as {account}, may cross $ROOT to the venv, and read nothing else in it:
# not the grader, not the submission folder, not Gradescope's metadata, not the results
chmod 711 "$ROOT"
for entry in "$ROOT"/*; do
    [ "$entry" = "$ROOT/venv" ] || chmod -R go-rwx "$entry"
done
cd "$ROOT/source" || exit 1
"$PYTHON" -m instructor grade "$ROOT/submission" --json "$ROOT/results/results.json" --quiet \\
    --sandbox-user {account}{options}
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
        _add(archive, "setup.sh", SETUP.format(account=ACCOUNT))
        _add(archive, "run_autograder", RUN.format(account=ACCOUNT, options=options))
        for rel, data in repo_sources(SOURCES).items():
            archive.writestr(rel, data)
        return archive.namelist()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instructor gradescope", description=__doc__.split("\n\n")[1])
    parser.add_argument("out", metavar="OUT.zip", help="the autograder zip to write")
    parser.add_argument("--accept-half-reg", action="store_true", help="passed on to the grader")
    parser.add_argument("--timeout", type=float, default=20.0, metavar="S", help="passed on to the grader")
    parser.add_argument("--layout", choices=LAYOUTS, default="package", help="passed on to the grader")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not args.out.endswith(".zip"):
        parser.error(f"OUT.zip must end in .zip, got {args.out!r}")
    if args.timeout <= 0:
        parser.error(f"--timeout must be > 0, got {args.timeout}")
    options = (f" --timeout {args.timeout:g} --layout {args.layout}"
               + (" --accept-half-reg" if args.accept_half_reg else ""))
    members = build(args.out, options)
    print(f"wrote {args.out}: {len(members)} files; upload it as the assignment's autograder on Gradescope")
    return 0
