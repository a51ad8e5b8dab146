"""The child side of the grader: runs one exercise's call on the cases it is given.

Started by ``instructor.sandbox`` as ``python -I harness.py TASKDIR``, never imported by the
grader. It lowers its own resource limits first, supplies the old-Python shims, imports the
submitted module (or reads the submitted notebook), then for each case calls the exercise as
its definition says (``checks/exercises/``, the edition's copy: its answers cut out) and
writes one JSON line to the result channel (a pipe fd named in TASKDIR/task.json): numbers as
JSON, arrays as base64 .npy bytes saved with allow_pickle=False (``checks.values``). Nothing
here computes an answer or decides a grade: the grader judges the values itself.
"""
import builtins
import importlib
import json
import os
import resource
import sys
import time
import types


def limit_resources(task):
    """Lower this process's limits; the submission runs under them and cannot raise them back."""
    limits = [(resource.RLIMIT_AS, task["memory_bytes"]), (resource.RLIMIT_CPU, task["cpu_seconds"]),
              (resource.RLIMIT_FSIZE, task["file_bytes"]), (resource.RLIMIT_CORE, 0)]
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def supply_shims(np):
    """Old CS231n files: xrange, past.builtins, np.float and friends, so the mathematics is graded."""
    builtins.xrange = range
    past = types.ModuleType("past")
    past_builtins = types.ModuleType("past.builtins")
    past_builtins.xrange, past_builtins.range = range, range
    past.builtins = past_builtins
    sys.modules.setdefault("past", past)
    sys.modules.setdefault("past.builtins", past_builtins)
    for name, value in (("float", float), ("int", int), ("bool", bool), ("object", object),
                        ("str", str), ("long", int), ("complex", complex)):
        if name not in np.__dict__:
            setattr(np, name, value)


def make_package(package_dir):
    """The ``classifiers`` package without running its __init__, aliased as cs231n.classifiers."""
    package = types.ModuleType("classifiers")
    package.__path__ = [package_dir]
    cs231n = types.ModuleType("cs231n")
    cs231n.__path__ = []
    cs231n.classifiers = package
    sys.modules.update({"classifiers": package, "cs231n": cs231n, "cs231n.classifiers": package})
    # CS231n's files import their siblings and helpers by these names
    sys.path.insert(0, os.path.dirname(package_dir))


def describe(exc):
    """'Type: message' of an exception, even one whose __str__ raises."""
    try:
        return f"{type(exc).__name__}: {exc}"[:2000]
    except BaseException:
        return type(exc).__name__


class Channel:
    """One JSON line per message on the result pipe."""

    def __init__(self, fd):
        self.fd = fd

    def send(self, message):
        data = (json.dumps(message) + "\n").encode()
        while data:
            data = data[os.write(self.fd, data):]


def load_inputs(path, np):
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def load(exercise, root):
    """The imported module of a .py exercise, or the cells of the submitted notebook."""
    for module in exercise.imports:
        importlib.import_module(module)
    if exercise.module:
        return importlib.import_module(exercise.module)
    from checks.exercises import notebooks
    with open(os.path.join(root, exercise.path), "rb") as f:
        return notebooks.parse(f.read())


def run_case(exercise, target, case, values, rounds=5):
    """One call (the best of ``rounds`` when the case is timed): its outputs encoded, and its wall time."""
    seconds = float("inf")
    for _ in range(rounds if case.options.get("timed") else 1):
        start = time.perf_counter()
        out = exercise.call(target, case)
        seconds = min(seconds, time.perf_counter() - start)
    return {key: values.encode(value) for key, value in out.items()}, seconds


def main():
    task_dir = sys.argv[1]
    with open(os.path.join(task_dir, "task.json")) as f:
        task = json.load(f)
    channel = Channel(task["fd"])
    limit_resources(task)
    import numpy as np
    supply_shims(np)
    make_package(task["package_dir"])
    root = os.path.dirname(task["package_dir"])
    os.chdir(task["work_dir"])
    from checks import values
    from checks.exercises import by_name
    from checks.framework import Case
    exercise = by_name(task["exercise"])
    try:
        loaded = load(exercise, root)
        target = exercise.target(loaded)
    except BaseException as exc:   # a syntax error, sys.exit or KeyboardInterrupt at import; the function missing
        missing = type(exc).__name__ == "Missing"
        channel.send({"event": "import", "ok": False, "missing": missing, "error": str(exc) if missing else describe(exc)})
        return
    channel.send({"event": "import", "ok": True})
    for index, options in enumerate(task["cases"]):
        if index < task.get("start", 0):
            continue
        channel.send({"event": "start", "case": index})
        case = Case(str(index), load_inputs(os.path.join(task_dir, options["inputs"]), np), options)
        try:
            out, seconds = run_case(exercise, target, case, values)
            message = {"event": "result", "case": index, "ok": True, "out": out, "seconds": seconds}
        except BaseException as exc:   # the submission's exception, whatever it is, costs this case
            message = {"event": "result", "case": index, "ok": False, "error": describe(exc)}
        channel.send(message)
    channel.send({"event": "done"})


if __name__ == "__main__":
    main()
