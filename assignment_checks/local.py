"""The student's checks: each exercise's properties judged on its public cases, in this process.

An exercise gets a verdict:
- "ok": every property holds;
- "FAIL": some do not (each says what is likely wrong, in the grader's words), or the student's
  code raised an error (the message names it and where);
- "not written yet": the exercise, or one it calls, still raises NotImplementedError;
- "cannot run": its file, or a file it imports, does not import (a SyntaxError, an ImportError):
  that error is reported once, with its file and line.
The right answers on the public cases, and what each known mistake gives on them, come from
``expected.json``; nothing here computes an answer.
"""
import dataclasses
import importlib
import json
import time
import traceback
import zlib
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from . import values
from .exercises import notebooks
from .framework import BLOCKED, FAIL, OK, TODO, Context, Failed, Missing, NotWrittenYet, judge

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXPECTED = HERE / "expected.json"
PUBLIC_SEED = 231
TIMING_ROUNDS = 10


def public_rng(exercise):
    """The Generator of an exercise's public cases (the grader's are seeded by the submission)."""
    return np.random.default_rng([PUBLIC_SEED, zlib.crc32(exercise.key.encode())])


@dataclasses.dataclass
class ExerciseOutcome:
    exercise: object
    verdict: str
    passed: list                                          # names of the properties that hold
    message: str = ""
    failed: list = dataclasses.field(default_factory=list)   # (property, feedback) of those that do not
    broken: str = ""            # BLOCKED: "file line N: SyntaxError: ...", the error that stops the import

    def headline(self):
        """The verdict, the exercise and its file: "[ok] NAME (FILE)"."""
        return f"[{self.verdict}] {self.exercise.name} ({self.exercise.path})"

    def report(self):
        """Lines for the terminal: the verdict, each property that holds or not, what is wrong; one line
        for an exercise not started (with what stops it, when that is not its own file)."""
        lines = [self.headline()]
        if self.verdict == TODO and not self.passed:
            own = self.message.endswith(f"open {self.exercise.path}")
            return lines[0] + ("" if own else ": " + self.message.replace("\n", " "))
        lines += [f"    ok    {name}" for name in self.passed]
        lines += [f"    FAIL  {name}: " + why.replace("\n", "\n          ") for name, why in self.failed]
        if self.message:
            tag = {BLOCKED: "    stop  "}.get(self.verdict, "    todo  ")
            lines.append(tag + self.message.replace("\n", "\n          "))
        return "\n".join(lines)


def expected_answers():
    """{exercise: {case: {output: [(labels, value)]}}} from expected.json."""
    if not EXPECTED.is_file():
        return {}
    return json.loads(EXPECTED.read_text())["exercises"]


class LocalContext(Context):
    """The student's code called here, on the public cases; the answers read from expected.json."""

    def __init__(self, exercise, cases, target, answers, source=None):
        super().__init__(exercise, cases, source=source)
        self.target, self.stored, self.runs, self.timings = target, answers, {}, {}

    def _run(self, name):
        """(outputs, error) of one call on case ``name``, made once; untimed (``seconds`` times it)."""
        if name not in self.runs:
            try:
                out = self.exercise.call(self.target, self.cases[name])
                self.runs[name] = ({key: values.encode(value) for key, value in out.items()}, None)
            except NotImplementedError as exc:
                raise NotWrittenYet(str(exc) or f"{self.exercise.name} is not written yet: open "
                                                f"{self.exercise.path}") from None
            except (Failed, Missing):
                raise
            except Exception as exc:          # noqa: BLE001 - the student's code crashed: say where
                self.runs[name] = (None, f"your code raised {type(exc).__name__}: {exc}{where(exc)}")
        return self.runs[name]

    def _timed(self, name):
        """[the call's least processor time, its baseline's] on case ``name``, timed in turns, with one BLAS
        thread as graded; processor time, as the grader judges: a busy machine lengthens the wall time of a
        call, not its processor time. Measured once, when a judge asks."""
        if name not in self.timings:
            case, seconds = self.cases[name], [float("inf"), float("inf")]
            calls = (lambda: self.exercise.call(self.target, case), lambda: self.exercise.baseline(case))
            with threadpool_limits(1):
                for k in range(TIMING_ROUNDS):
                    for which in (0, 1) if k % 2 == 0 else (1, 0):     # each first in turn: neither gets the warm cache
                        start = time.process_time()
                        calls[which]()
                        seconds[which] = min(seconds[which], time.process_time() - start)
            self.timings[name] = seconds
        return self.timings[name]

    def result(self, name):
        out, error = self._run(name)
        if error:
            raise Failed(error)
        return out

    def seconds(self, name):
        self.result(name)
        return self._timed(name)[0]

    def baseline_seconds(self, name):
        self.result(name)
        return self._timed(name)[1]

    def answer_keys(self, name):
        return list(self.stored.get(name, {}))

    def answers(self, name, key):
        stored = self.stored.get(name, {}).get(key)
        if stored is None:
            return None
        return [(tuple(labels), np.asarray(value, np.float64)) for labels, value in stored]


def where(exc):
    """' (at file:line: code)': the innermost frame of the traceback in the student's files (not the
    checks', not numpy's), so the line shown is the student's own."""
    root = ROOT.resolve()
    frames = [(Path(f.filename).resolve(), f) for f in traceback.extract_tb(exc.__traceback__)]
    mine = [(p, f) for p, f in frames if HERE not in p.parents and p.parent != HERE and root in p.parents]
    if not mine:
        return ""
    path, frame = mine[-1]
    return f" (at {path.relative_to(root).as_posix()}:{frame.lineno}: {frame.line})"


def import_error(exc):
    """(file, line, description) of an error raised while importing the student's modules."""
    root = ROOT.resolve()
    if isinstance(exc, SyntaxError) and exc.filename:
        path = Path(exc.filename).resolve()
        name = path.relative_to(root).as_posix() if root in path.parents else path.name
        code = f"\n    {exc.text.strip()}" if exc.text else ""
        return name, exc.lineno, f"{type(exc).__name__}: {exc.msg}{code}"
    frames = [(Path(f.filename).resolve(), f) for f in traceback.extract_tb(exc.__traceback__)]
    mine = [(p, f) for p, f in frames if HERE not in p.parents and p.parent != HERE and root in p.parents]
    path, frame = mine[-1] if mine else (None, None)
    name = path.relative_to(root).as_posix() if path else "?"
    return name, frame.lineno if frame else "?", f"{type(exc).__name__}: {exc}"


def load(exercise):
    """The imported module of a .py exercise, or the cells of a notebook; raises what stops it."""
    for module in exercise.imports:
        importlib.import_module(module)
    if exercise.module:
        return importlib.import_module(exercise.module)
    path = ROOT / exercise.path
    if not path.is_file():
        raise NotWrittenYet(f"{exercise.path} is missing")
    return notebooks.parse(path.read_bytes())


def run(exercise, answers=None):
    """The ExerciseOutcome of one exercise's checks; never raises (a crash in the student's code is a FAIL)."""
    try:
        loaded = load(exercise)
    except NotWrittenYet as exc:
        return ExerciseOutcome(exercise, TODO, [], str(exc))
    except NotImplementedError:          # raised at import time by an unwritten exercise
        return ExerciseOutcome(exercise, TODO, [], f"{exercise.name} is not written yet: open {exercise.path}")
    except Exception as exc:             # noqa: BLE001 - whatever stops the import, the student fixes it first
        name, line, what = import_error(exc)
        return ExerciseOutcome(exercise, BLOCKED, [], f"cannot run: fix the {what.split(':')[0]} in {name} line {line} first",
                       broken=f"{name} line {line}: {what}")
    if exercise.manual:
        todo = notebooks.progress(loaded, skip=[e.name for e in manual_skips(exercise)])
        return ExerciseOutcome(exercise, TODO, [], todo) if todo else ExerciseOutcome(exercise, OK, ["every part is written"])
    try:
        target = exercise.target(loaded)
    except Missing as exc:
        return ExerciseOutcome(exercise, FAIL, [], failed=[("present", str(exc))])
    source = (ROOT / exercise.path).read_bytes() if exercise.module else None
    stored = (answers if answers is not None else expected_answers()).get(exercise.key, {})
    ctx = LocalContext(exercise, exercise.cases(public_rng(exercise), True), target, stored, source)
    return judge_all(exercise, ctx)


def judge_all(exercise, ctx):
    """The ExerciseOutcome of judging every property of ``exercise`` on ``ctx`` (``framework.judge``)."""
    passed, failed = [], []
    try:
        for prop, _, failure in judge(exercise, ctx):
            if failure is None:
                passed.append(prop.name)
            else:
                failed.append((prop.name, str(failure)))
    except NotWrittenYet as exc:
        return ExerciseOutcome(exercise, TODO, passed, str(exc))
    return ExerciseOutcome(exercise, FAIL if failed else OK, passed, failed=failed)


def manual_skips(exercise):
    """The exercises of the same notebook that are graded by running them (their own checks say so)."""
    from .exercises import EXERCISES
    return [e for e in EXERCISES if e.path == exercise.path and not e.manual]
