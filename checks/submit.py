"""python -m checks.submit (make submit): write submission.zip to hand in.

The zip holds the files you edit and the notebooks as you ran them, at their
paths in the repository, and MANIFEST.json {"files": {path: sha256}, "warnings": [...]}.
It never holds data: only the listed files go in, and nothing under datasets/.
Entries are sorted and dated 1980-01-01, so the same files give the same zip.
It warns when a .py file does not compile, a notebook was not run to the end or an
inline answer is empty.
"""
import argparse
import hashlib
import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

from . import run_all
from .exercises import EXERCISES, notebooks
from .framework import BLOCKED, FAIL

ROOT = Path(__file__).resolve().parent.parent
DATE = (1980, 1, 1, 0, 0, 0)


def handin_files():
    """The files to hand in: those the exercises are written in."""
    return sorted({exercise.path for exercise in EXERCISES})


def notebook_warnings(root, path):
    """What is missing from a notebook: a code cell that was not run or stopped with an error; an empty answer."""
    warnings = []
    cells = notebooks.parse((root / path).read_bytes())
    named = list(zip(notebooks.headings(cells), cells))
    code = [(title, c) for title, c in named if c.get("cell_type") == "code" and notebooks.source(c).strip()]
    unrun = list(dict.fromkeys(notebooks.code_name(t) for t, c in code if c.get("execution_count") is None))
    failed = list(dict.fromkeys(notebooks.code_name(t) for t, c in code
                                if any(o.get("output_type") == "error" for o in c.get("outputs", []))))
    if code and all(c.get("execution_count") is None for _, c in code):
        warnings.append(f"{path} was not run: run it top to bottom (Kernel > Restart & Run All) and save it")
    elif unrun:
        warnings.append(f"{path} was not run to the end: {', '.join(unrun)} has not run")
    if failed:
        warnings.append(f"{path}: {', '.join(failed)} stopped with an error")
    warnings += [f"{path}: {title} has no answer yet" for title, _, _, ok in notebooks.questions(cells) if not ok]
    return warnings


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def compile_warnings(path, source):
    """A warning when the .py file ``path`` (its bytes ``source``) is not valid Python."""
    try:
        compile(source, path, "exec")
    except SyntaxError as exc:
        return [f"{path} does not compile ({type(exc).__name__} at line {exc.lineno}: {exc.msg}): fix it, "
                f"or the grader cannot run any of it"]
    except ValueError as exc:                                   # null bytes
        return [f"{path} does not compile ({exc}): fix it, or the grader cannot run any of it"]
    return []


def build(root=ROOT, out=None):
    """Write the submission zip; returns (path, manifest). Files missing from the repo are warned about."""
    root = Path(root)
    out = Path(out) if out is not None else root / "submission.zip"
    files, warnings = {}, []
    for path in handin_files():
        if not (root / path).is_file():
            warnings.append(f"{path} is missing: it is not in the submission")
            continue
        files[path] = (root / path).read_bytes()
        if path.endswith(".py"):
            warnings += compile_warnings(path, files[path])
        if path.endswith(".ipynb"):
            warnings += notebook_warnings(root, path)
    manifest = {"files": {p: hashlib.sha256(b).hexdigest() for p, b in sorted(files.items())},
                "warnings": warnings}
    files["MANIFEST.json"] = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    fd, tmp = tempfile.mkstemp(prefix=".submission-", suffix=".zip", dir=out.parent)
    try:                             # written aside and renamed: a previous submission.zip is never half overwritten
        os.chmod(tmp, 0o666 & ~_umask())                 # mkstemp makes it 0600; a zip to hand in is readable
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(files):
                info = zipfile.ZipInfo(path, DATE)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, files[path])
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return out, manifest


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m checks.submit", description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default=None, help="where to write the zip (default: submission.zip)")
    args = parser.parse_args(argv)
    out, manifest = build(out=args.output)
    for warning in manifest["warnings"]:
        print(f"warning: {warning}")
    print(f"wrote {out.name if args.output is None else out}: {len(manifest['files'])} files")
    failing = [o.exercise.name for o in run_all() if o.verdict in (FAIL, BLOCKED)]
    if failing:
        print(f"the checks of {', '.join(failing)} fail (make check says why): fix them, then run make submit again")
    print("hand in that file" + (" after fixing the warnings above" if manifest["warnings"] or failing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
