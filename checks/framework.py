"""How a self-check runs and reports.

An exercise's check is a generator: it yields the name of each property that
holds, in order, and raises ``Failed`` with an explanation at the first one
that does not. Running it gives an ``Outcome``:

- "ok": every property holds;
- "FAIL": one does not (the message says what is likely wrong), or the
  student's code raised an error (the message names it and where);
- "not written yet": the exercise still raises NotImplementedError;
- "cannot run": its file, or a file it imports, does not import (a SyntaxError,
  an ImportError): that error is reported once, with its file and line.
"""
import dataclasses
import importlib
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent

OK, FAIL, TODO, BLOCKED = "ok", "FAIL", "not written yet", "cannot run"
SKIPPED = "skipped: "     # a property name starting with this was not checked (it needs another exercise)


class Failed(AssertionError):
    """A property of the student's code does not hold; the message explains why."""


class NotWrittenYet(Exception):
    """A check needs an exercise that is not written yet."""


@dataclasses.dataclass
class Exercise:
    name: str        # what the student writes, e.g. "softmax_loss_naive"
    path: str        # the file they write it in
    check: object    # the generator function


@dataclasses.dataclass
class Outcome:
    exercise: Exercise
    verdict: str
    passed: list     # names of the properties that hold
    message: str = ""
    broken: str = ""  # BLOCKED: "file line N: SyntaxError: ...", the error that stops the import

    def report(self):
        """Lines for the terminal: the verdict, the properties that hold, what is wrong."""
        lines = [f"[{self.verdict}] {self.exercise.name} ({self.exercise.path})"]
        lines += [f"    skip  {name[len(SKIPPED):]}" if name.startswith(SKIPPED) else f"    ok    {name}"
                  for name in self.passed]
        if self.message:
            tag = {FAIL: "    FAIL  ", BLOCKED: "    stop  "}.get(self.verdict, "    todo  ")
            lines += [tag + self.message.replace("\n", "\n          ")]
        return "\n".join(lines)


EXERCISES = []


def exercise(name, path):
    """Register the decorated generator as the check of exercise ``name`` written in ``path``."""
    def register(check):
        EXERCISES.append(Exercise(name, path, check))
        return check
    return register


def _where(exc):
    """' (at file:line: code)': the innermost frame of the traceback in the student's files.

    Frames inside the checks and outside the working folder (numpy's) are skipped,
    so the line shown is the student's own.
    """
    here = Path.cwd().resolve()
    paths = [(Path(f.filename).resolve(), f) for f in traceback.extract_tb(exc.__traceback__)]
    mine = [(p, f) for p, f in paths if p.parent != HERE and here in p.parents]
    if not mine:
        return ""
    path, frame = mine[-1]
    return f" (at {path.relative_to(here).as_posix()}:{frame.lineno}: {frame.line})"


def _import_error(exc):
    """(file, line, description) of an error raised while importing the student's modules."""
    root = HERE.parent
    if isinstance(exc, SyntaxError) and exc.filename:
        path = Path(exc.filename).resolve()
        name = path.relative_to(root).as_posix() if root in path.parents else path.name
        code = f"\n    {exc.text.strip()}" if exc.text else ""
        return name, exc.lineno, f"{type(exc).__name__}: {exc.msg}{code}"
    frames = [(Path(f.filename).resolve(), f) for f in traceback.extract_tb(exc.__traceback__)]
    mine = [(p, f) for p, f in frames if p.parent != HERE and root in p.parents]
    path, frame = mine[-1] if mine else (None, None)
    name = path.relative_to(root).as_posix() if path else "?"
    return name, frame.lineno if frame else "?", f"{type(exc).__name__}: {exc}"


def blocked(ex):
    """An Outcome "cannot run" when the module of ``ex`` (a .py file) does not import, else None."""
    if not ex.path.endswith(".py"):
        return None
    try:
        importlib.import_module(ex.path[:-len(".py")].replace("/", "."))
    except NotImplementedError:
        return None                        # raised at import time by an unwritten exercise: run() reports it
    except Exception as exc:               # noqa: BLE001 - whatever stops the import, the student fixes it first
        name, line, what = _import_error(exc)
        kind = what.split(":")[0]
        return Outcome(ex, BLOCKED, [], f"cannot run: fix the {kind} in {name} line {line} first",
                       broken=f"{name} line {line}: {what}")
    return None


def run(ex):
    """Run one exercise's check; never raises (a crash in the student's code is a FAIL)."""
    stopped = blocked(ex)
    if stopped:
        return stopped
    passed = []
    try:
        for name in ex.check():
            passed.append(name)
    except Failed as exc:
        return Outcome(ex, FAIL, passed, str(exc))
    except NotImplementedError as exc:
        return Outcome(ex, TODO, passed, str(exc) or f"{ex.name} is not written yet: open {ex.path}")
    except NotWrittenYet as exc:
        return Outcome(ex, TODO, passed, str(exc))
    except Exception as exc:                           # the student's code crashed: say where
        return Outcome(ex, FAIL, passed, f"your code raised {type(exc).__name__}: {exc}{_where(exc)}")
    return Outcome(ex, OK, passed)


def check(condition, message):
    """Raise Failed(message) unless ``condition`` holds."""
    if not condition:
        raise Failed(message)
