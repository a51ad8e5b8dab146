"""python -m assignment_checks.submit (make submit), or hand_in() in a notebook's last cell: write the hand-in.

submission.zip holds the files you edit and the notebooks as you saved them, at their paths in
the repository, and MANIFEST.json {"files": {path: sha256}, "warnings": [...]}. It never holds
data: only the listed files go in, and nothing under datasets/. Entries are sorted and dated
1980-01-01, so the same files give the same zip. submission.pdf, beside it, is the notebooks
with their answers and outputs for the graders, after a cover listing the files with their
sha256, the check verdicts and the warnings (see assignment_checks/pdf.py). The warnings: a .py file that
does not compile, a notebook not run to the end (or saved before it was), an empty inline answer.
"""
import argparse
import hashlib
import json
import sys
import zipfile
from pathlib import Path

from softmax_safeguards.atomic_write import atomic_write

from .exercises import EXERCISES, notebooks
from .workspace import working_folder

ROOT = Path(__file__).resolve().parent.parent
DATE = (1980, 1, 1, 0, 0, 0)
ZIP, PDF = "submission.zip", "submission.pdf"
#: what the hand-in cell calls: that cell has not run yet in the notebook saved before it runs
HAND_IN_CALL = "hand_in("


def handin_files():
    """The files to hand in: those the exercises are written in, in the order a student works (the order of
    the definitions, and the PDF's order of the notebooks)."""
    return list(dict.fromkeys(exercise.path for exercise in EXERCISES))


def notebook_warnings(root, path):
    """What is missing from a notebook, one warning for each cause: code cells that were not run, a cell
    that stopped with an error (the cells after it did not run because of it: said once, there), an
    inline question not answered."""
    cells = notebooks.parse((root / path).read_bytes())
    code = [(title, c) for title, c in zip(notebooks.headings(cells), cells)
            if c.get("cell_type") == "code" and notebooks.source(c).strip() and HAND_IN_CALL not in notebooks.source(c)]
    ran = [c.get("execution_count") is not None for _, c in code]
    failed = [k for k, (_, c) in enumerate(code) if any(
        isinstance(o, dict) and o.get("output_type") == "error" for o in c.get("outputs") or [])]
    stop = failed[0] if failed else len(code)
    warnings = []
    if code and not any(ran):
        warnings.append(f"{path} was not run: run it top to bottom (Kernel > Restart & Run All; on Colab, "
                        f"Runtime > Run all) and save it")
    elif not all(ran[:stop]):
        unrun = names(title for (title, _), done in zip(code[:stop], ran) if not done)
        warnings.append(f"{path} was not run to the end: {unrun} has not run")
    if failed:
        after = "" if all(ran[stop + 1:]) else ", so the cells after it did not run"
        warnings.append(f"{path}: {names(code[k][0] for k in failed)} stopped with an error{after}: fix it and "
                        f"run the notebook again")
    warnings += [f"{path}: {q.name} has no answer yet" for q in notebooks.questions(cells) if not q.answered]
    return warnings


def names(titles):
    """'the code under "A", the code under "B"': each heading once, in order."""
    return ", ".join(dict.fromkeys(notebooks.code_name(title) for title in titles))


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
    out = Path(out) if out is not None else root / ZIP
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
    with atomic_write(out) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, files[path])
    return out, manifest


def verdicts():
    """The first line of each exercise's `make check` report: "[ok] NAME (FILE)"."""
    from . import run_all
    with working_folder(ROOT):
        return [outcome.headline() for outcome in run_all()]


def read_notebook(root, path):
    """The notebook ``path`` under ``root`` as a dict; one that cannot be read becomes a cell saying so."""
    try:
        nb = json.loads((root / path).read_text(encoding="utf-8"))
        if isinstance(nb, dict) and isinstance(nb.get("cells"), list):
            return nb
        why = "it holds no list of cells"
    except (OSError, ValueError) as exc:
        why = f"{type(exc).__name__}: {exc}"
    return {"cells": [{"cell_type": "markdown", "metadata": {}, "source": f"**{path} could not be read** ({why})"}]}


def build_pdf(root=ROOT, manifest=None, checked=(), out=None):
    """Write the PDF of the answers (assignment_checks/pdf.py); returns (path, number of pages).

    Inputs:
    - root: the assignment's folder; its notebooks among the files to hand in go in, in that order.
    - manifest: MANIFEST.json's content, as build returns it (files and warnings for the cover).
    - checked: the check verdicts for the cover, as verdicts() returns them.
    - out: where to write (default submission.pdf in ``root``).
    """
    from . import pdf
    root = Path(root)
    out = Path(out) if out is not None else root / PDF
    books = [(path, read_notebook(root, path)) for path in handin_files()
             if path.endswith(".ipynb") and path in manifest["files"]]
    pages = pdf.write(out, books, manifest["files"], list(checked), manifest["warnings"])
    return out, pages


def submit(root=ROOT, out=None):
    """Write submission.zip (or ``out``) and the PDF beside it; print the warnings, the checks that do not
    pass and what was written; returns both paths."""
    from . import OK
    root = Path(root)
    out_zip, manifest = build(root, out)
    checked = verdicts()
    out_pdf, pages = build_pdf(root, manifest, checked, Path(out_zip).with_suffix(".pdf"))
    warnings = manifest["warnings"] + [line for line in checked if not line.startswith(f"[{OK}]")]
    for warning in warnings:
        print(f"warning: {warning}")
    print(f"wrote {out_zip.name} ({len(manifest['files'])} files) and {out_pdf.name} ({pages} pages) "
          f"in {out_zip.parent}")
    print("hand in both files" + (" after fixing the warnings above" if warnings else ""))
    return out_zip, out_pdf


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m assignment_checks.submit", description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default=None,
                        help="where to write the zip (default: submission.zip); the PDF goes beside it")
    args = parser.parse_args(argv)
    submit(out=args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
