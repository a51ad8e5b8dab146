"""python -m instructor release DIR: write the student edition of this repository to DIR.

The edition is this repository with every solution region cut out (see
``instructor/markers.py``), the instructor's files left out, and the files of
``instructor/edition/`` added (the students' README, their tests, the GitHub
Classroom workflow). The same source gives byte-identical output: files are
written in sorted order with fixed modes, and nothing depends on the clock.
"""
import argparse
import hashlib
import re
import shutil
import sys
from pathlib import Path

from assignment_checks.exercises import EXERCISES, counted

from .markers import MarkerError, strip_notebook, strip_python

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "edition"

#: files copied as they are
COPY = ["pyproject.toml", "gradient_check.py", ".gitignore", "datasets/get_datasets.sh"]
#: packages shipped whole: .py files stripped of their solutions, data files as they are
PACKAGES = ["classifiers", "assignment_checks", "cifar10_data", "softmax_cifar10", "softmax_safeguards"]
#: shipped files that are left out of the edition whole (solution-only modules)
OMIT = []
#: Makefile rules whose commands use one of these are left out (their files are not shipped)
INSTRUCTOR_ONLY = ("benchmarks/", "instructor")
#: the order a student works in (the order of the exercises' definitions); the README lists exercises in it
ORDER = list(dict.fromkeys(exercise.path for exercise in EXERCISES))
#: a file every edition has: --force replaces only a folder holding it
EDITION_MARK = "assignment_checks/expected.json"
#: extras (and pytest markers) of setup.cfg for instructor-only tools: the edition drops them
SOLUTION_EXTRAS = ("oracle", "bench")
#: `make help` text of the rules whose solution text does not hold in the edition (its tests are its exercises)
EDITION_HELP = {"test": "the exercises' tests (an exercise not written yet is skipped)",
                "test-fast": "the same tests (the edition has no slow ones)"}


def sources(root):
    """Repo-relative paths of the files the edition is made of, in a fixed order."""
    paths = [p for p in COPY if (root / p).is_file()]
    for package in PACKAGES:
        paths += sorted(p.relative_to(root).as_posix() for p in (root / package).rglob("*")
                        if p.is_file() and p.suffix != ".pyc" and "__pycache__" not in p.parts)
    paths += sorted(p.relative_to(root).as_posix() for p in (root / "notebooks").glob("*.ipynb"))
    return [p for p in paths if p not in OMIT]


def edition_files(root=ROOT, hints=False):
    """{path: bytes} of the whole edition, and {path: [exercises]} for the files students edit."""
    files, exercises = {}, {}
    for path in sources(root):
        data = (root / path).read_bytes()
        if path.endswith(".py"):
            text, found = strip_python(data.decode("utf-8"), path, hints)
            data = text.encode("utf-8")
        elif path.endswith(".ipynb"):
            text, found = strip_notebook(data.decode("utf-8"), path, hints)
            data = text.encode("utf-8")
        else:
            found = None
        if found or path.endswith(".ipynb"):
            exercises[path] = found
        files[path] = data
    files["setup.cfg"] = edition_setup_cfg((root / "setup.cfg").read_text()).encode()
    files["Makefile"] = edition_makefile((root / "Makefile").read_text()).encode()
    for template in sorted(p for p in TEMPLATES.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        files[template.relative_to(TEMPLATES).as_posix()] = template.read_bytes()
    files["README.md"] = files["README.md"].decode().replace("{exercises}", exercise_list(exercises)).encode()
    return files, exercises


def _rank(path):
    return (ORDER.index(path) if path in ORDER else len(ORDER), path)


def exercise_list(exercises):
    """The README's numbered list of exercises, in the order a student works."""
    lines, n = [], 0
    for path in sorted(exercises, key=_rank):
        if not exercises[path]:
            continue
        n += 1
        what = ", ".join(f"`{name}`" if path.endswith(".py") else name for name in exercises[path])
        lines.append(f"{n}. `{path}`: {what}")
    return "\n".join(lines)


def edition_setup_cfg(text):
    """setup.cfg with the ``assignment_checks`` package (and its exercises and .json files) installed next to ``classifiers``."""
    def add(match):
        names = match.group(2)
        return match.group(0) if "assignment_checks" in names or "find:" in names else f"{match.group(1)}{names}, assignment_checks, assignment_checks.exercises"
    text = re.sub(r"(?m)^(packages\s*=\s*)(\S.*)$", add, text, count=1)
    for extra in SOLUTION_EXTRAS:      # the extra's line and its indented requirements; its pytest marker
        text = re.sub(rf"(?m)^{extra}\s*=.*\n(?:[ \t]+\S.*\n)*", "", text)
        text = re.sub(rf"(?m)^[ \t]+{extra}:.*\n", "", text)
    if re.search(r"(?m)^assignment_checks\s*=", text):
        return text
    if "[options.package_data]" in text:
        return text.replace("[options.package_data]\n", "[options.package_data]\nassignment_checks = *.json\n", 1)
    return text.rstrip("\n") + "\n\n[options.package_data]\nassignment_checks = *.json\n"


def edition_makefile(text):
    """The Makefile without the rules that need instructor-only files (and without their .PHONY names)."""
    blocks = re.split(r"(?m)^(?=[A-Za-z][\w.-]*\s*:(?!=))", text)
    kept, dropped = [], []
    for block in blocks:
        target = re.match(r"([A-Za-z][\w.-]*)\s*:(?!=)", block)
        recipe = "".join(line for line in block.splitlines(keepends=True) if line.startswith("\t"))
        if target and any(word in recipe for word in INSTRUCTOR_ONLY):
            dropped.append(target.group(1))
            continue
        kept.append(block)
    text = "".join(kept)
    for target, said in EDITION_HELP.items():
        text = re.sub(rf"(?m)^({re.escape(target)}:[^#\n]*## ).*$", lambda m: m.group(1) + said, text)
    if dropped:
        def phony(match):
            names = [n for n in match.group(1).split() if n not in dropped]
            return ".PHONY: " + " ".join(names)
        text = re.sub(r"(?m)^\.PHONY:(.*)$", phony, text)
    return text


def write(files, dest):
    """Write {path: bytes} under ``dest`` in sorted order, scripts 0o755 and the rest 0o644."""
    for path in sorted(files):
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[path])
        target.chmod(0o755 if path.endswith(".sh") else 0o644)


def digest(folder):
    """sha256 over every file's path and bytes under ``folder``: equal digests, identical trees."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def release(dest, root=ROOT, force=False, hints=False):
    """Write the student edition of ``root`` to ``dest``; returns {path: [exercises]}.

    ``dest`` must be empty or absent; with ``force`` an existing edition there
    is replaced. Everything is built in memory first, so a marker error leaves
    ``dest`` untouched.
    """
    dest, root = Path(dest).resolve(), Path(root).resolve()
    if dest == root or root in dest.parents or dest in root.parents:
        raise ValueError(f"DIR must be outside the repository {root}, got {dest}")
    files, exercises = edition_files(root, hints)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        if not force:
            raise FileExistsError(f"{dest} exists and is not empty; pass --force to replace it")
        if not (dest / EDITION_MARK).is_file():
            raise FileExistsError(f"{dest} does not hold a student edition ({EDITION_MARK} is missing); "
                                  f"--force only replaces an edition, choose an empty DIR")
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)
    write(files, dest)
    return exercises


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instructor release",
                                     description="Write the student edition of this repository to DIR.")
    parser.add_argument("dir", metavar="DIR", help="an empty or new folder")
    parser.add_argument("--force", action="store_true", help="replace an edition already in DIR")
    parser.add_argument("--hints", action="store_true",
                        help="keep the '# Hint:' lines of the TODOs (by default a TODO says what to compute, the "
                             "contract and the pitfalls, and leaves the derivation to the student)")
    args = parser.parse_args(argv)
    try:
        exercises = release(args.dir, force=args.force, hints=args.hints)
    except (MarkerError, ValueError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote the student edition to {args.dir}: {counted()}")
    print(exercise_list(exercises))
    print(f"digest {digest(Path(args.dir))}")
    return 0
