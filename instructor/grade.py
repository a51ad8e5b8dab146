"""python -m instructor grade SUBMISSION [SUBMISSION ...] [--json FILE] [--csv FILE] [--jobs N]

Grades each exercise (``assignment_checks/exercises/``) of each submission: the student's code runs in a
sandboxed child process (``instructor.sandbox``) on cases drawn from the submission's content hash
(``instructor.context``), and the exercise's own properties judge the results against the
answers its definition computes here, naming the likely mistake. One submission gives
Gradescope's results.json with ``--json``; many give a gradebook with ``--csv``. The maximum is the
assignment's, whichever layout a submission comes in, unless ``--layout cs231n``. Exits 2 when
a submission could not be read (its results.json, gradebook row and score 0 are written all the
same), or when no sandbox can run (nothing is graded then, unless ``--no-sandbox``).
"""
import argparse
import ast
import csv
import dataclasses
import functools
import json
import os
import re
import shutil
import sys
import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from softmax_safeguards.atomic_write import atomic_write, write_text
from assignment_checks.exercises import EXERCISES, notebooks
from assignment_checks import framework

from . import isolation, sandbox
from . import submission as submissions
from .context import GraderContext, error_text, seeded

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNREADABLE = 2      # the exit status when a submission could not be read, or when no sandbox can run
TIMED_ROUNDS = 5    # a timed case is timed this many times, on inputs of its own each, the fastest judged


#: what --layout grades: the whole assignment (an exercise not found scores 0), or CS231n's assignment alone
LAYOUTS = ("package", "cs231n")


@dataclass
class Options:
    accept_half_reg: bool = False
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    layout: str = "package"     # chosen by the instructor, never by the submission's own layout


SHIMS = [  # (pattern in the source, what the child supplies)
    (r"^[ \t]*from\s+past\.builtins\s+import|^[ \t]*import\s+past", "past.builtins (xrange = range)"),
    (r"(?<![\w.])xrange\s*\(", "xrange (= range)"),
    (r"\bnp\.(float|int|bool|object|long)\b(?!\d|_)", "np.float, np.int, np.bool, np.object (the Python types)"),
]


def supplied(source):
    """What the child supplies for this old CS231n source, to say so in the feedback."""
    text = source.decode("utf-8", "replace")
    return [what for pattern, what in SHIMS if re.search(pattern, text, re.M)]


def imported_modules(rel, source):
    """The dotted names a repository file imports, relative imports resolved (``from . import a`` in
    instructor/grade.py gives instructor and instructor.a)."""
    parts = rel[:-3].split("/")
    package = parts[:-1]
    names = set()
    for node in ast.walk(framework.parse_python(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _module_files(dotted):
    """The repository files importing ``dotted`` runs: each package's __init__.py, then the module."""
    parts, files = dotted.split("."), []
    for i in range(1, len(parts) + 1):
        path = "/".join(parts[:i])
        if os.path.isfile(os.path.join(REPO, path + ".py")):
            files.append(path + ".py")
        elif os.path.isfile(os.path.join(REPO, path, "__init__.py")):
            files.append(path + "/__init__.py")
        else:
            break               # numpy, the standard library, a name imported from a module ...
    return files


@functools.lru_cache(maxsize=None)
def repo_sources(roots):
    """{repo-relative path: bytes}: the files ``roots`` names (a folder stands for the .py files below it)
    and every repository module they import, directly or through each other: what must travel with them."""
    todo = []
    for root in roots:
        folder = os.path.join(REPO, root)
        todo += (sorted(os.path.relpath(os.path.join(path, f), REPO).replace(os.sep, "/")
                        for path, _, names in os.walk(folder) if "__pycache__" not in path
                        for f in names if f.endswith(".py"))
                 if os.path.isdir(folder) else [root])
    found = {}
    while todo:
        rel = todo.pop()
        if rel in found:
            continue
        with open(os.path.join(REPO, rel), "rb") as f:
            found[rel] = f.read()
        for name in sorted(imported_modules(rel, found[rel])):
            todo += [m for m in _module_files(name) if m not in found]
    return dict(sorted(found.items()))


@functools.lru_cache(maxsize=1)
def edition_sources():
    """{path: bytes}: what the child may read besides the submission: the student edition's
    classifiers/ and assignment_checks/ (exercises and answers cut out) and the modules they import."""
    from .markers import strip_python
    files = {}
    for rel, data in repo_sources(("classifiers", "assignment_checks")).items():
        files[rel] = strip_python(data.decode("utf-8"), rel)[0].encode("utf-8") if rel.endswith(".py") else data
    return files


def imports_of(source):
    """The module names a Python source imports, relative ones as their last part (``from .losses
    import x`` and ``from . import losses`` give ``losses``)."""
    try:
        tree = framework.parse_python(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):     # the last two: nested too deep
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.rsplit(".", 1)[-1] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                names.add(node.module.rsplit(".", 1)[-1])
            names.update(alias.name for alias in node.names)
    return names


def imported_stems(source, files):
    """What ``imports_of`` gives for a source and, through them, for the .py files of ``files`` ({path: bytes})
    it imports, directly or not: a submitted activations.py serves a softmax.py that imports losses.py."""
    modules = {os.path.basename(path)[:-3]: data for path, data in files.items() if path.endswith(".py")}
    stems, todo = set(), list(imports_of(source))
    while todo:
        stem = todo.pop()
        if stem not in stems:
            stems.add(stem)
            todo += imports_of(modules[stem]) if stem in modules else []
    return stems


def child_files(sub, exercise):
    """{path: bytes} of the child's folder: the edition, with the graded file and the submitted
    modules it imports, directly or through other modules (a notebook: every submitted module). The other graded files stay the
    edition's, so a mistake in one cannot cost another's tests, and nothing the student must
    write is supplied by the solution."""
    files = dict(edition_sources())
    graded = sub.files[exercise.path]
    wanted = imported_stems(graded, {**files, **sub.files}) if exercise.module else None
    for path, data in sub.files.items():
        stem = os.path.basename(path).rsplit(".", 1)[0]
        if path.endswith(".py") and (wanted is None or stem in wanted):
            files[path] = data
    files[exercise.path] = graded
    return files


def _test(exercise, prop, score, output):
    return {"name": f"{exercise.name}: {prop.name}", "score": score, "max_score": prop.points, "output": output}


def _missing(exercise, why):
    return [_test(exercise, prop, 0, why) for prop in exercise.properties]


def _note(source):
    shims = supplied(source) if source is not None else []
    return f" [supplied for an older Python or numpy: {', '.join(shims)}]" if shims else ""


def reference(exercise):
    """The trusted child that times a timed case's baseline (a workload of its size that computes no
    answer), on the same inputs and the same clock as the submission: {"files", "task"}, or None."""
    if exercise.baseline is None:
        return None
    return {"files": edition_sources(), "task": {"exercise": exercise.name, "baseline": True}}


def judge(exercise, ctx, note=""):
    """Each property's test: full points with what holds, or 0 with what does not."""
    return [_test(exercise, prop, 0 if failure else prop.points, (str(failure) if failure else text) + note)
            for prop, text, failure in framework.judge(exercise, ctx)]


def grade_exercise(sub, exercise, options, temp):
    """The tests of one exercise of one submission."""
    if options.layout == "cs231n" and not exercise.cs231n:
        return []                       # CS231n's assignment has no such exercise
    path = exercise.path
    if path not in sub.files:
        return _missing(exercise, f"not submitted ({path} was not found in the submission)")
    cases, rounds = timed_rounds(exercise, exercise.cases(seeded(sub.digest(), exercise), False))
    source = sub.files[path] if exercise.module else None
    task = {"exercise": exercise.name, "cases": [case.options for case in cases + rounds]}
    run = sandbox.run_cases(task, [case.inputs for case in cases + rounds], options.limits, temp,
                            files=child_files(sub, exercise), reference=reference(exercise))
    if run.missing:
        return _missing(exercise, run.import_error)
    if run.import_error:
        return _missing(exercise, f"{path} could not be imported: {run.import_error}")
    cases, run = fastest(cases, rounds, run)
    timed = {case.name: outcome.reference_seconds for case, outcome in zip(cases, run.outcomes)
             if case.options.get("timed")}
    ctx = GraderContext(exercise, cases, run, {"accept_half_reg": options.accept_half_reg}, source, timed)
    tests = judge(exercise, ctx, _note(source))
    error = not_started(run, tests)
    return _missing(exercise, error_text(error) + _note(source)) if error else tests


def not_started(run, tests):
    """The NotImplementedError of an exercise not started (every case raised one and no test scored), so
    its tests all give that one reason; None otherwise."""
    errors = sorted({outcome.error for outcome in run.outcomes}, key=str)
    if errors and all(e and "NotImplementedError" in e for e in errors) and not any(t["score"] for t in tests):
        return errors[0]
    return None


def timed_rounds(exercise, cases):
    """(cases, rounds): each timed case of ``cases`` drawn TIMED_ROUNDS times from fresh randomness, the
    first draw in its place and the others as more rounds, each with inputs of its own, so a result
    cannot be reused from one round to the next; a round's baseline is its first round's (the
    baseline's time depends on the sizes only). Not from the submission's seed: the child can read its
    own files, compute that seed, and answer the timed inputs from a table made before any is timed
    (tests/submissions/hostile_speed_precompute)."""
    first = {case.name: index for index, case in enumerate(cases) if case.options.get("timed")}
    if not first:
        return cases, []
    draws = [[case for case in exercise.cases(np.random.default_rng(), False) if case.name in first]
             for _ in range(TIMED_ROUNDS)]
    cases = [next((c for c in draws[0] if c.name == case.name), case) for case in cases]
    rounds = [dataclasses.replace(case, options=dict(case.options, baseline_as=first[case.name]))
              for draw in draws[1:] for case in draw]
    return cases, rounds


def fastest(cases, rounds, run):
    """(cases, run) with each timed case replaced by its round that returned using the least processor
    time: the one judged, its result included."""
    outcomes = run.outcomes[:len(cases)]
    for i, case in enumerate(cases):
        for extra, outcome in zip(rounds, run.outcomes[len(cases):]):
            if extra.name == case.name and outcome.cpu_seconds is not None and (
                    outcomes[i].cpu_seconds is None or outcome.cpu_seconds < outcomes[i].cpu_seconds):
                cases[i], outcomes[i] = extra, outcome
    return cases, sandbox.Run(outcomes, run.import_error, run.missing, run.printed)


def quoted(text, width=100):
    """Submitted text as a Markdown code block, lines longer than ``width`` wrapped at spaces: shown as
    written, never read as Markdown, so that no tag, link, image (fetched when the report is opened),
    reference or heading in it works; its fence is longer than any run of backticks in the text."""
    fence = "`" * max(3, 1 + max(map(len, re.findall("`+", text)), default=0))
    lines = [part for line in text.splitlines() for part in (
        textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) if len(line) > width else [line])]
    return "\n".join([fence + "text", *lines, fence])


def as_text(line):
    """One line of submitted text as Markdown that shows it as written: every ASCII punctuation mark
    escaped with a backslash (CommonMark's rule), so that nothing in it is a tag, link or heading."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", " ".join(line.split()))


def review(sub, exercise):
    """(tests, report) of a part graded by hand: 0 points here, its answers collected for the instructor."""
    if exercise.path not in sub.files:
        return [], ""
    try:
        cells = notebooks.parse(sub.files[exercise.path])
    except ValueError as exc:
        return [{"name": f"{exercise.name}: graded by hand", "score": 0, "max_score": 0,
                 "output": f"{exercise.path} is {exc}"}], ""
    asked = notebooks.questions(cells)
    count = sum(q.answered for q in asked)
    parts = [f"## {as_text(q.name)}\n\n*{exercise.name}*\n\n{quoted(q.question)}\n\n"
             + (f"Answer:\n\n{quoted(q.answer)}\n" if q.answered else "(not answered)\n") for q in asked]
    test = {"name": f"{exercise.name}: graded by hand", "score": 0, "max_score": 0,
            "output": f"{count} of {len(asked)} inline questions answered, collected for the instructor's "
                      f"report (grade --answers DIR); stored outputs earn no points here"}
    return [test], f"{count} of {len(asked)} answered\n\n" + "\n".join(parts)


def grade_one(path, options, only=None):
    """Grade one submission; returns Gradescope's results dict (score, tests, output).

    ``only``: a set of exercise names to grade; all by default.
    """
    temp = tempfile.mkdtemp(prefix="grade-")
    try:
        try:
            sub = submissions.load(path)
        except submissions.SubmissionError as exc:
            return {"score": 0.0, "output": f"The submission could not be read: {exc}", "tests": [],
                    "submission": os.fspath(path), "unreadable": True}
        tests, reports = [], []
        for exercise in EXERCISES:
            if only is not None and exercise.name not in only:
                continue
            if exercise.manual:
                found, report = review(sub, exercise)
                tests += found
                reports += [report] if report else []
            else:
                tests += grade_exercise(sub, exercise, options, temp)
        score = sum(t["score"] for t in tests)
        total = sum(t["max_score"] for t in tests)
        notes = " ".join(sub.notes)
        return {"score": float(score), "tests": tests, "submission": os.fspath(path), "answers": "\n".join(reports),
                "output": f"{score:g} / {total:g}." + (f" {notes}" if notes else "")}
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def gradescope_json(result):
    keep = {"score": result["score"], "output": result["output"],
            "tests": [{k: t[k] for k in ("name", "score", "max_score", "output")} for t in result["tests"]]}
    return json.dumps(keep, indent=2)


def write_csv(path, results):
    names = []
    for result in results:
        names += [t["name"] for t in result["tests"] if t["name"] not in names]
    rows = []
    for result in results:
        scores = {t["name"]: t["score"] for t in result["tests"]}
        rows.append([sandbox.printable(result["submission"]), result["score"]] + [scores.get(n, "") for n in names])
    with atomic_write(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "score"] + names)
        writer.writerows(rows)


def summary(result, quiet=False):
    """What is printed for one submission: its score and, unless quiet, each test lost with its
    feedback; made printable (no terminal control sequences from a submission reach the screen)."""
    lines = [f"{result['submission']}: {result['output']}"]
    for group in [] if quiet else lost_tests(result["tests"]):
        first, score, most = group[0], sum(t["score"] for t in group), sum(t["max_score"] for t in group)
        name = first["name"] if len(group) == 1 else f"{first['name'].partition(': ')[0]}, {len(group)} tests"
        lines.append(f"  - {name} ({score:g}/{most:g}): {first['output']}")
    return "\n".join(sandbox.printable(line).replace("\n", "\n    ") for line in lines)


def lost_tests(tests):
    """The tests lost, in groups to print one line each.

    Inputs:
    - tests: a submission's tests, as Gradescope's results.json lists them ("name": "exercise: property").
    Returns a list of lists of tests: the lost tests of one exercise that give the same feedback, one after
    the other (an exercise not written or not submitted), in one group; each other lost test alone.
    """
    groups = []
    for t in (t for t in tests if t["score"] < t["max_score"]):
        last = groups[-1][-1] if groups else None
        if last and last["output"] == t["output"] and \
                last["name"].partition(": ")[0] == t["name"].partition(": ")[0]:
            groups[-1].append(t)
        else:
            groups.append([t])
    return groups


def report_names(paths):
    """A file name per submission: its path below the submissions' common folder, made safe
    (alice/submission.zip -> alice-submission.zip), with -2, -3 ... where two would clash."""
    full = [os.path.abspath(p) for p in paths]
    parent = os.path.commonpath([os.path.dirname(p) for p in full]) if full else ""
    names = []
    for path in full:
        rel = os.path.relpath(path, parent) if path != parent else os.path.basename(path)
        name = re.sub(r"[^\w.-]+", "-", rel.replace(os.sep, "-")).strip(".-") or "submission"
        unique, k = name, 1
        while unique in names:
            k += 1
            unique = f"{name}-{k}"
        names.append(unique)
    return names


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m instructor grade", description=__doc__.split("\n\n")[1])
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="a folder or zip: the student edition, `make submit`'s zip, or CS231n's layout")
    parser.add_argument("--json", metavar="FILE", help="Gradescope's results.json (one submission only)")
    parser.add_argument("--csv", metavar="FILE", help="a gradebook: one row per submission, one column per test")
    parser.add_argument("--answers", metavar="DIR", help="write each submission's inline answers to DIR/<name>.md")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="grade N submissions at a time")
    parser.add_argument("--accept-half-reg", action="store_true",
                        help="accept the 0.5 * reg * sum(W**2) convention in the regularization tests")
    parser.add_argument("--layout", choices=LAYOUTS, default="package",
                        help="package: every exercise of this assignment, whichever layout a submission "
                             "comes in (one not found scores 0); cs231n: CS231n's assignment 1 alone")
    parser.add_argument("--timeout", type=float, default=20.0, metavar="S", help="wall-clock limit per case")
    parser.add_argument("--memory-mb", type=int, default=3072, metavar="MB",
                        help="memory budget of a submission's processes together")
    parser.add_argument("--sandbox", choices=("auto", "namespaces", "user"), default="auto",
                        help="how submitted code is sealed off: namespaces (bubblewrap), user (a separate "
                             "account per child, root only), or auto: namespaces where they work, else user")
    parser.add_argument("--sandbox-user", action="append", default=[], metavar="USER",
                        help="an account for user mode, one per job (repeat it, or USER1,USER2)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run submitted code without a sandbox (where none is available; unsafe)")
    parser.add_argument("--quiet", action="store_true", help="print only each submission's score")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be a positive integer, got {args.jobs}")
    if args.timeout <= 0 or args.memory_mb < 256:
        parser.error("--timeout must be > 0 and --memory-mb at least 256")
    if args.json and len(args.submissions) != 1:
        parser.error(f"--json writes one results.json for one submission; got {len(args.submissions)} "
                     f"submissions (use --csv for several)")
    args.sandbox_user = [u for value in args.sandbox_user for u in value.split(",") if u]
    return args


#: the grader's folders that hold a solution region, hidden cases or the formulas: no child may read them
SEALED = ("instructor", "classifiers", "assignment_checks", "softmax_cifar10")


def sealed_limits(args):
    """The Limits of this run, once the sandbox they ask for is known to work: SandboxUnavailable
    otherwise, or when in user mode an account can read the grader's files or a submission."""
    limits = sandbox.Limits(timeout=args.timeout, memory_bytes=args.memory_mb * sandbox.MB,
                            isolation="none" if args.no_sandbox else args.sandbox, users=tuple(args.sandbox_user))
    iso = isolation.find(limits.isolation, limits.users)
    for note in iso.notes:
        print(note, file=sys.stderr)
    exposed = isolation.readable_by([*(os.path.join(REPO, name) for name in SEALED), *args.submissions], limits)
    if exposed:
        raise isolation.SandboxUnavailable(
            f"in user mode the sandbox's account can read {exposed[0]}: make the grader's files and the "
            f"submissions unreadable to it (chmod -R go-rwx), as the Gradescope bundle's run_autograder does")
    if iso.kind == "none":
        print("warning: " + isolation.NOT_PROTECTED.format(user=pwd_name()), file=sys.stderr)
    return limits


def pwd_name():
    import pwd
    return pwd.getpwuid(os.geteuid()).pw_name


def grade_safely(path, options):
    """grade_one, with a grader error on one submission made that submission's result: the batch goes on."""
    try:
        return grade_one(path, options)
    except isolation.SandboxUnavailable:
        raise
    except Exception as exc:        # a grader bug must not cost the other submissions their grades
        return {"score": 0.0, "tests": [], "submission": os.fspath(path), "unreadable": True,
                "output": f"The grader failed on this submission ({type(exc).__name__}: {exc}); "
                          f"please tell the instructor."}


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        limits = sealed_limits(args)
    except isolation.SandboxUnavailable as exc:
        print(f"python -m instructor grade: {exc}", file=sys.stderr)
        return UNREADABLE
    options = Options(accept_half_reg=args.accept_half_reg, limits=limits, layout=args.layout)
    try:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(lambda p: grade_safely(p, options), args.submissions))
    except isolation.SandboxUnavailable as exc:
        print(f"python -m instructor grade: {exc}", file=sys.stderr)
        return UNREADABLE
    finally:
        sandbox.close_references()
    # every process of every submission has ended (run_cases waits for that): nothing can change these
    for result in results:
        print(summary(result, args.quiet))
    if args.answers:
        os.makedirs(args.answers, exist_ok=True)
        for name, result in zip(report_names([r["submission"] for r in results]), results):
            report = result.get("answers") or "(no notebook with answers was submitted)\n"
            write_text(os.path.join(args.answers, name + ".md"), sandbox.printable(f"# {result['submission']}\n\n{report}"))
    if args.csv:
        write_csv(args.csv, results)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        write_text(args.json, gradescope_json(results[0]))
    return UNREADABLE if any(r.get("unreadable") for r in results) else 0
