"""python -m instructor grade SUBMISSION [SUBMISSION ...] [--json FILE] [--csv FILE] [--jobs N]

Grades each submitted function in a child process (``instructor.sandbox``) on inputs drawn
from the submission's content hash (``instructor.cases``), compares the values with this
repository's reference in this process (``instructor.checks``) and names the likely mistake
(``instructor.diagnose``). One submission gives Gradescope's results.json with ``--json``;
many give a gradebook with ``--csv``. Exits 2 when a submission could not be read (its
results.json, gradebook row and score 0 are written all the same).
"""
import argparse
import ast
import csv
import functools
import json
import os
import re
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from . import cases, checks, isolation, notebook, sandbox
from . import submission as submissions

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNREADABLE = 2      # the exit status when a submission could not be read (the others are graded)


@dataclass
class Options:
    accept_half_reg: bool = False
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    max_dev_ratio: float = 10.0
    max_rows_ratio: float = 25.0
    min_val_accuracy: float = 0.35


# name, kind (softmax or svm), file, vectorized, salt of its inputs
LOSS_FUNCTIONS = [
    ("softmax_loss_naive", "softmax", "classifiers/softmax.py", False, 1),
    ("softmax_loss_vectorized", "softmax", "classifiers/softmax.py", True, 2),
    ("svm_loss_naive", "svm", "classifiers/linear_svm.py", False, 3),
    ("svm_loss_vectorized", "svm", "classifiers/linear_svm.py", True, 4),
]
LOSS_TESTS = [  # (test, points, check)
    ("loss value", 2, lambda r, s, f, o: checks.loss_value(r)),
    ("gradient", 2, lambda r, s, f, o: checks.gradient(r)),
    ("regularization in the loss", 1, lambda r, s, f, o: checks.regularization_loss(r, o.accept_half_reg)),
    ("regularization in the gradient", 1, lambda r, s, f, o: checks.regularization_gradient(r, o.accept_half_reg)),
    ("stability with large scores", 1, lambda r, s, f, o: checks.stability(r)),
    ("inputs unmodified", 1, lambda r, s, f, o: checks.inputs_unmodified(r)),
    ("scalar loss and dW of W's shape", 1, lambda r, s, f, o: checks.shapes(r)),
    ("N = 1 and C other than 10", 1, lambda r, s, f, o: checks.small_cases(r)),
    ("float32 input", 1, lambda r, s, f, o: checks.float32(r)),
]
SPEED_TEST = ("speed (no loop over examples)", 1,
              lambda r, s, f, o: checks.speed(r, s, f, o.max_dev_ratio, o.max_rows_ratio))
TRAIN_TESTS = [
    ("train: the loss decreases on an easy problem", 1, checks.train_decreases),
    ("train: batch_size examples per step", 1, checks.train_batches),
    ("train: uses the learning rate", 1, checks.train_learning_rate),
    ("train: returns the loss history", 1, checks.train_history),
]
PREDICT_TESTS = [("predict: argmax of the scores", 1, checks.predict)]
# graded only where they apply: predict_proba defined in the submitted linear_classifier.py, and
# classifiers/losses.py submitted (this package's layout; CS231n's has neither)
PROBA_TESTS = [("rows are softmax(X @ W)", 1, checks.proba_values),
               ("stability with large scores", 1, checks.proba_stability)]
ACTIVATIONS = [  # name, log, salt of its inputs
    ("softmax", False, 7),
    ("log_softmax", True, 8),
]
ACTIVATION_TESTS = [("values along dim", 1, checks.activation_values),
                    ("stability with large inputs", 1, checks.activation_stability)]
LOG_TESTS = [("no underflow to -inf", 1, checks.log_softmax_underflow)]

SHIMS = [  # (pattern in the source, what the child supplies)
    (r"^\s*from\s+past\.builtins\s+import|^\s*import\s+past", "past.builtins (xrange = range)"),
    (r"(?<![\w.])xrange\s*\(", "xrange (= range)"),
    (r"\bnp\.(float|int|bool|object|long)\b(?!\d|_)", "np.float, np.int, np.bool, np.object (the Python types)"),
]


def supplied(source):
    """What the child supplies for this old CS231n source, to say so in the feedback."""
    text = source.decode("utf-8", "replace")
    return [what for pattern, what in SHIMS if re.search(pattern, text, re.M)]


@functools.lru_cache(maxsize=1)
def edition_modules():
    """{file name: bytes} of the student edition's classifiers/ modules (exercises cut out)."""
    from .markers import strip_python
    folder = os.path.join(REPO, "classifiers")
    modules = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                modules[name] = strip_python(f.read(), f"classifiers/{name}")[0].encode("utf-8")
    return modules


def imported_modules(rel, source):
    """The dotted names a repository file imports, relative imports resolved (``from . import a`` in
    instructor/grade.py gives instructor and instructor.a)."""
    parts = rel[:-3].split("/")
    package = parts[:-1]
    names = set()
    for node in ast.walk(ast.parse(source)):
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
    """{repo-relative path: bytes}: the files ``roots`` names (a folder stands for its .py files) and every
    repository module they import, directly or through each other: what must travel with them."""
    todo = []
    for root in roots:
        folder = os.path.join(REPO, root)
        todo += ([f"{root}/{f}" for f in sorted(os.listdir(folder)) if f.endswith(".py")]
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


def assemble(sub, path):
    """{relative path: bytes}, the files the child may read: the edition's classifiers/ modules, the
    submitted helpers and the file graded, and the repository modules they import (data_utils.py).

    The other graded files stay the edition's, so a mistake in one cannot cost another's tests, and
    nothing the student must write is supplied by the solution.
    """
    files = {f"classifiers/{name}": data for name, data in edition_modules().items()}
    for helper in submissions.HELPERS:
        if helper in sub.files:
            files[helper] = sub.files[helper]
    files[path] = sub.files[path]
    for rel, data in repo_sources(("classifiers",)).items():   # import data_utils, as from the repository's root
        if not rel.startswith("classifiers/"):
            files[rel] = data
    return files


@functools.lru_cache(maxsize=1)
def speed_reference(kind):
    """The trusted reference the speed test times, in a child of its own: {"files", "task"}."""
    with open(os.path.join(REPO, "instructor", "speed_reference.py"), "rb") as f:
        source = f.read()
    return {"files": {"speed_reference.py": source},
            "task": {"module": "speed_reference", "function": f"{kind}_loss", "kind": "loss"}}


def _test(function, test, score, max_score, output):
    return {"name": test if ":" in test else f"{function}: {test}",
            "score": score, "max_score": max_score, "output": output}


def _run_tests(function, tests, results, extra, note=""):
    out = []
    for test, points, check in tests:
        try:
            text, score = check(results, *extra) if extra else check(results), points
        except checks.Failed as exc:
            text, score = str(exc), 0
        except Exception as exc:      # a value the checks did not expect costs this test only
            text, score = f"the result could not be checked ({type(exc).__name__}: {exc})", 0
        out.append(_test(function, test, score, points, text + note))
    return out


def _missing(function, tests, why):
    return [_test(function, test, 0, points, why) for test, points, _ in tests]


def grade_loss_function(sub, spec, options, temp):
    function, kind, path, vectorized, salt = spec
    tests = LOSS_TESTS + ([SPEED_TEST] if vectorized else [])
    if path not in sub.files:
        return _missing(function, tests, f"not submitted ({path} was not found in the submission)")
    source = sub.files[path]
    case_list = cases.loss_cases(cases.seeded(sub.digest(), salt), vectorized, kind)
    task = {"module": "classifiers." + os.path.basename(path)[:-3], "function": function, "kind": "loss",
            "cases": [c[1] for c in case_list]}
    run = sandbox.run_cases(task, [c[2] for c in case_list], options.limits, temp, files=assemble(sub, path),
                            reference=speed_reference(kind) if vectorized else None)
    if run.missing:
        return _missing(function, tests, f"{function} is missing from {path}")
    if run.import_error:
        return _missing(function, tests, f"{path} could not be imported: {run.import_error}")
    results = checks.Results(kind, case_list, run)
    return _run_tests(function, tests, results, (source, function, options), _note(source))


def _note(source):
    shims = supplied(source)
    return f" [supplied for an older Python or numpy: {', '.join(shims)}]" if shims else ""


def grade_classifier(sub, options, temp):
    path = "classifiers/linear_classifier.py"
    if path not in sub.files:
        why = f"not submitted ({path} was not found in the submission)"
        return _missing("LinearClassifier", TRAIN_TESTS, why) + _missing("LinearClassifier", PREDICT_TESTS, why)
    source = sub.files[path]
    files = assemble(sub, path)
    out = []
    for kind, case_list, tests in (("train", cases.train_cases(cases.seeded(sub.digest(), 5)), TRAIN_TESTS),
                                   ("predict", cases.predict_cases(cases.seeded(sub.digest(), 6)), PREDICT_TESTS)):
        task = {"module": "classifiers.linear_classifier", "function": kind, "kind": kind,
                "cases": [c[1] for c in case_list]}
        run = sandbox.run_cases(task, [c[2] for c in case_list], options.limits, temp, files=files)
        if run.import_error:
            out += _missing("LinearClassifier", tests, f"{path} could not be imported: {run.import_error}")
            continue
        out += _run_tests("LinearClassifier", tests, checks.Results(kind, case_list, run), (), _note(source))
    return out


def grade_proba(sub, options, temp):
    """Softmax.predict_proba, when the submitted linear_classifier.py defines it (the edition's form)."""
    path, name = "classifiers/linear_classifier.py", "Softmax.predict_proba"
    source = sub.files.get(path)
    if source is None or not re.search(rb"^\s*def\s+predict_proba\s*\(", source, re.M):
        return []
    case_list = cases.proba_cases(cases.seeded(sub.digest(), 9))
    task = {"module": "classifiers.linear_classifier", "function": "predict_proba", "kind": "proba",
            "cases": [c[1] for c in case_list]}
    run = sandbox.run_cases(task, [c[2] for c in case_list], options.limits, temp, files=assemble(sub, path))
    if run.import_error:
        return _missing(name, PROBA_TESTS, f"{path} could not be imported: {run.import_error}")
    return _run_tests(name, PROBA_TESTS, checks.Results("proba", case_list, run), (), _note(source))


def grade_activation(sub, spec, options, temp):
    """losses.softmax or losses.log_softmax, when classifiers/losses.py is submitted."""
    function, log, salt = spec
    path, name = "classifiers/losses.py", f"losses.{function}"
    tests = ACTIVATION_TESTS + (LOG_TESTS if log else [])
    if path not in sub.files:
        return []
    case_list = cases.activation_cases(cases.seeded(sub.digest(), salt), log)
    task = {"module": "classifiers.losses", "function": function, "kind": "activation",
            "cases": [c[1] for c in case_list]}
    run = sandbox.run_cases(task, [c[2] for c in case_list], options.limits, temp, files=assemble(sub, path))
    if run.missing:
        return _missing(name, tests, f"{function} is missing from {path}")
    if run.import_error:
        return _missing(name, tests, f"{path} could not be imported: {run.import_error}")
    return _run_tests(name, tests, checks.Results(function, case_list, run), (), _note(sub.files[path]))


def grade_one(path, options, only=None):
    """Grade one submission; returns Gradescope's results dict (score, tests, output).

    ``only``: a set of function names (and "LinearClassifier") to grade; all by default.
    """
    temp = tempfile.mkdtemp(prefix="grade-")
    try:
        try:
            sub = submissions.load(path)
        except submissions.SubmissionError as exc:
            return {"score": 0.0, "output": f"The submission could not be read: {exc}", "tests": [],
                    "submission": os.fspath(path), "unreadable": True}
        tests = []
        for spec in LOSS_FUNCTIONS:
            if only is None or spec[0] in only:
                tests += grade_loss_function(sub, spec, options, temp)
        if only is None or "LinearClassifier" in only:
            tests += grade_classifier(sub, options, temp)
        if only is None or "Softmax.predict_proba" in only:
            tests += grade_proba(sub, options, temp)
        for spec in ACTIVATIONS:
            if only is None or f"losses.{spec[0]}" in only:
                tests += grade_activation(sub, spec, options, temp)
        report = ""
        if "notebooks/softmax.ipynb" in sub.files:
            nb_tests, report = notebook.grade(sub.files["notebooks/softmax.ipynb"], options.min_val_accuracy)
            tests += nb_tests
        score = sum(t["score"] for t in tests)
        total = sum(t["max_score"] for t in tests)
        notes = " ".join(sub.notes)
        return {"score": float(score), "tests": tests, "submission": os.fspath(path), "answers": report,
                "output": f"{score:g} / {total:g}." + (f" {notes}" if notes else "")}
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def write_atomic(path, text):
    """Write ``text`` to ``path`` under a temporary name first, so a reader never sees half a file."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(sandbox.printable(text))
    os.replace(tmp, path)


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
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "score"] + names)
        writer.writerows(rows)
    os.replace(tmp, path)


def summary(result, quiet=False):
    """What is printed for one submission: its score and, unless quiet, each test lost with its
    feedback; made printable (no terminal control sequences from a submission reach the screen)."""
    lines = [f"{result['submission']}: {result['output']}"]
    for t in [] if quiet else result["tests"]:
        if t["score"] < t["max_score"]:
            lines.append(f"  - {t['name']} ({t['score']:g}/{t['max_score']:g}): {t['output']}")
    return "\n".join(sandbox.printable(line).replace("\n", "\n    ") for line in lines)


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


def sealed_limits(args):
    """The Limits of this run, once the sandbox they ask for is known to work: SandboxUnavailable
    otherwise, or when in user mode an account can read the grader's files or a submission."""
    limits = sandbox.Limits(timeout=args.timeout, memory_bytes=args.memory_mb * sandbox.MB,
                            isolation="none" if args.no_sandbox else args.sandbox, users=tuple(args.sandbox_user))
    iso = isolation.find(limits.isolation, limits.users)
    exposed = isolation.readable_by([os.path.join(REPO, "instructor"), os.path.join(REPO, "classifiers"),
                                   *args.submissions], limits)
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
    options = Options(accept_half_reg=args.accept_half_reg, limits=limits)
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
            write_atomic(os.path.join(args.answers, name + ".md"), f"# {result['submission']}\n\n{report}")
    if args.csv:
        write_csv(args.csv, results)
    if args.json:
        write_atomic(args.json, gradescope_json(results[0]))
    return UNREADABLE if any(r.get("unreadable") for r in results) else 0
