"""What an exercise is, and what judging one needs.

Each exercise is defined once, in a module of ``assignment_checks/exercises/``: where the student
writes it, how to call their code on one case, its cases (the public ones that
``make check`` uses and the hidden ones the grader draws, from one generator), the
properties it is graded on with their points, and the mistakes it can name. The
student's checks (``assignment_checks/local.py``) and the grader judge with the same properties,
so they name a mistake in the same words.

A property's judge gets a ``Context``: the student's results on the cases, and the
answers, the right one and what each known mistake gives. In the solution the
answers are computed by the definition's ``answers`` function (a solution region,
never released); ``make check`` reads them for the public cases from
``assignment_checks/expected.json``, which the instructor's tools write.
"""
import ast
import dataclasses
import threading

import numpy as np

from . import values

OK, FAIL, TODO, BLOCKED = "ok", "FAIL", "not written yet", "cannot run"
RTOL, ATOL = 1e-5, 1e-7


class Failed(AssertionError):
    """A property does not hold; the message is the feedback."""


class NotWrittenYet(Exception):
    """The exercise, or one it needs, still raises NotImplementedError."""


class Missing(LookupError):
    """The file imports, but what the exercise calls is not in it."""


def require(condition, message):
    """Raise Failed(message) unless ``condition`` holds."""
    if not condition:
        raise Failed(message)


@dataclasses.dataclass(frozen=True)
class Case:
    """One call of the student's code: ``inputs`` (arrays and numbers) and ``options`` for the call.

    ``options["timed"]``: the processor time of the call is measured (by the grader, from outside the child).
    """
    name: str
    inputs: dict
    options: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Property:
    """A graded property: ``judge(ctx)`` returns what holds, or raises Failed saying what does not.

    ``vouched_by``: for a property about the form of the results (a shape, a dtype, inputs left as they
    were, stability, speed), which code that computes nothing can have, the cases whose values must be
    right or a known mistake (``Exercise.credible``) for it to be credited.

    ``timed``: it times the student's code; judged last, and only when every other property holds.
    """
    name: str
    points: int
    judge: object
    vouched_by: tuple = ()
    timed: bool = False

    def verdict(self, ctx):
        """What holds (the judge's text), or Failed: the judge's, else, for a property about form, the
        first case vouching for it whose values are neither right nor a known mistake. A timed property's
        cases are vouched for before it runs: code whose values earn nothing is never timed."""
        if self.timed:
            self.vouch(ctx)
            return self.judge(ctx)
        text = self.judge(ctx)
        self.vouch(ctx)
        return text

    def vouch(self, ctx):
        """Failed naming the first case of ``vouched_by`` whose values are neither right nor a known mistake."""
        for name in self.vouched_by:
            try:
                ctx.exercise.credible(ctx, name)
            except Failed as exc:
                raise Failed(f"{self.name} is not credited: {exc}") from None


def credible(ctx, name):
    """Failed unless each output of case ``name`` that has answers is right or a known mistake: what
    vouches for a property about form, unless an exercise says otherwise (``Exercise.credible``)."""
    keys = ctx.answer_keys(name)
    if not keys:
        raise LookupError(f"no answers are known for case {name!r} of {ctx.exercise.name}")
    for key in keys:
        got, want = ctx.value(name, key), ctx.want(name, key)
        if ctx.name_mistake(name, key, got) is None:
            gap = (differ(key, want, got) if np.shape(got) == np.shape(want) else
                   f"{key} of shape {np.shape(want)} expected, of shape {np.shape(got)} got")
            raise Failed(f"on ordinary inputs {key} is neither right nor a known mistake ({gap})")


@dataclasses.dataclass
class Exercise:
    """One exercise. Inputs of the callables:

    - call(module, case) -> {output name: value}: runs the student's code on one case, in
      the student's process or the grader's sandboxed child. It computes no answer.
    - cases(rng, public) -> [Case]: the inputs, from numpy Generator ``rng`` (public: the
      checks' fixed seed, and sizes small enough to store every mistake's answer).
    - answers(case) -> {output name: [(labels, value)]}: the right value (labels ()) and what
      each known mistake gives. Solution only: the instructor's tools and the grader call it.
    - baseline(case): a workload of a timed case's size that computes no answer; speed is
      judged as the call's time over the baseline's.
    - credible(ctx, case name): Failed unless the case's values are right or a known mistake; it
      vouches for the properties about form (``Property.vouched_by``).
    """
    name: str                  # as the student and the feedback name it
    path: str                  # the file the student writes it in
    function: str              # its qualified name in that file ("Class.method"), or a cell's heading
    call: object
    cases: object
    properties: list
    mistakes: dict = dataclasses.field(default_factory=dict)    # label -> the words that name it
    answers: object = None
    baseline: object = None
    family: str = None         # exercises with the same cases and answers (naive and vectorized) share it
    imports: tuple = ()        # modules the call imports besides its own (a notebook cell's package)
    cs231n: bool = True        # part of CS231n's assignment: graded with --layout cs231n too
    manual: bool = False       # graded by hand (notebook answers): checked for being written, worth 0 here
    credible: object = credible    # credible(ctx, case name): Failed unless its values are right or a known mistake
    step: int = None           # its place in the order a student works in; None: its module's STEP

    def target(self, loaded):
        """What ``call`` runs on: the function's owner in the imported module ``loaded`` (a module for a .py
        exercise, checked to hold the function), or the cells of a notebook. Missing when it is not there."""
        if self.path.endswith(".py"):
            owner = loaded
            for part in self.function.split("."):
                owner = getattr(owner, part, None)
            if not callable(owner):
                raise Missing(f"{self.function} is missing from {self.path}")
        return loaded

    @property
    def module(self):
        """The dotted module of a .py exercise ("classifiers.softmax"), else None."""
        return self.path[:-3].replace("/", ".") if self.path.endswith(".py") else None

    @property
    def key(self):
        """What seeds the exercise's cases and files its public answers: its family, else its name."""
        return self.family or self.name

    @property
    def points(self):
        return sum(p.points for p in self.properties)

    def explain(self, labels):
        """One clause per mistake named by ``labels``."""
        return "; ".join(self.mistakes[label] for label in labels)


NOT_TIMED = "not timed while another property fails: speed earns nothing for wrong values; fix the others first"


def judge(exercise, ctx):
    """Judge each property of an exercise, the timed ones last. Once one fails the verdict is settled: a
    timed property then fails without running the code it times (an N x N mistake takes seconds a call).

    Inputs:
    - exercise: the Exercise.
    - ctx: its Context (the student's results on the cases, the answers).
    Yields (property, what holds, None) or (property, None, Failed saying what does not); NotWrittenYet,
    raised by ``make check``'s context for an exercise not written yet, propagates.
    """
    failing = False
    for prop in sorted(exercise.properties, key=lambda p: p.timed):
        if prop.timed and failing:
            yield prop, None, Failed(NOT_TIMED)
            continue
        try:
            yield prop, prop.verdict(ctx), None
        except Failed as exc:
            failing = True
            yield prop, None, exc
        except NotWrittenYet:
            raise
        except Exception as exc:      # noqa: BLE001 - a value no judge expected costs this property only
            failing = True
            yield prop, None, Failed(f"the result could not be checked ({type(exc).__name__}: {exc})")


class Context:
    """What a judge sees of one exercise. Subclasses supply ``result``, ``answers``, ``seconds``
    and ``baseline_seconds``; the rest is shared.

    - result(name) -> the call's outputs as encoded values; raises Failed (with what the
      student's code raised) when the call failed.
    - answers(name, key) -> [(labels, value)] or None when not known for this case.
    - answer_keys(name) -> the outputs of a case that have answers.
    - seconds(name), baseline_seconds(name): the processor time of a timed case and of its baseline.
    """

    def __init__(self, exercise, cases, options=None, source=None):
        self.exercise = exercise
        self.cases = {case.name: case for case in cases}
        self.options = options or {}
        self.source = source           # the student's file as bytes, when known

    def inputs(self, name):
        return self.cases[name].inputs

    def value(self, name, key):
        """A decoded output: a float or a numeric array; Failed when it is anything else."""
        out = self.result(name)
        if key not in out:
            raise Failed(f"the call returned no {key}")
        try:
            return values.decode(out[key])
        except values.ResultError as exc:
            raise Failed(f"{key} is {exc}") from None

    def array(self, name, key):
        """A decoded output that must be an array; Failed when the call returned a tuple where one array
        was due, or a number."""
        if "returned" in self.result(name):
            raise Failed("the function must return a tuple (output, gradient) here")
        got = self.value(name, key)
        if not isinstance(got, np.ndarray):
            raise Failed(f"{key} must be an array; it is a number")
        return got

    def want(self, name, key):
        """The right value of output ``key`` on case ``name``."""
        return dict(self.answers(name, key))[()]

    def name_mistake(self, name, key, got, rtol=RTOL):
        """The labels of the known answer closest to ``got`` with the fewest mistakes, () when it is
        right, None when none matches."""
        answers = self.answers(name, key)
        if answers is None:
            return None
        matches = [labels for labels, value in answers if close(got, value, rtol=rtol)]
        return min(matches, key=len) if matches else None

    def named(self, labels):
        """'likely <the mistakes>' for feedback, or what to do when no known mistake matches."""
        if not labels:
            return "it matches none of the known mistakes; compare your steps with the formula in the docstring"
        return "likely " + self.exercise.explain(labels)


# CPython 3.11 keeps the count of ast.parse's conversion to Python objects in one place per interpreter:
# a parse in another thread that runs in between (a garbage collection can hand over the thread mid-parse)
# leaves it wrong, and ast.parse raises SystemError "AST constructor recursion depth mismatch", or
# RecursionError on a shallow file (CPython gh-106905). The grader parses in one thread per submission.
_PARSING = threading.Lock()


def parse_python(source, filename="<unknown>"):
    """ast.parse(source, filename), one parse at a time in this process, so that another thread's parse
    cannot corrupt it. Inputs: the source (str or bytes) and the file name its errors give.
    Returns the module's tree; raises what ast.parse raises (SyntaxError, and ValueError, RecursionError
    or MemoryError on a file nested too deep)."""
    with _PARSING:
        return ast.parse(source, filename)


def close(a, b, rtol=RTOL, atol=ATOL):
    """Same shape, finite, and equal within rtol/atol."""
    try:
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and np.allclose(a, b, rtol=rtol, atol=atol)


def show(a):
    """An array on one line, 4 decimals."""
    return np.array2string(np.asarray(a, np.float64), precision=4, separator=", ", suppress_small=True,
                           max_line_width=200).replace("\n", "")


def digits(a, b):
    """a and b printed with just enough significant digits to tell them apart."""
    for n in range(6, 18):
        if f"{a:.{n}g}" != f"{b:.{n}g}":
            break
    return f"{a:.{n}g}", f"{b:.{n}g}"


def differ(what, want, got, want_name="expected", got_name="got"):
    """Where ``got`` differs from ``want``: the value, or an array's shape or most different entry."""
    if np.ndim(want) == 0:
        a, b = digits(float(want), float(got))
        return f"{what} {want_name} {a}, {got_name} {b}"
    if np.shape(want) != np.shape(got):
        return f"{what} of shape {np.shape(want)} {want_name}, of shape {np.shape(got)} {got_name}"
    gap = np.abs(np.asarray(got, np.float64) - want)
    gap[~np.isfinite(gap)] = np.inf
    index = np.unravel_index(np.argmax(gap), np.shape(want))
    a, b = digits(float(want[index]), float(got[index]))
    where = ", ".join(str(int(i)) for i in index)
    return f"{what}[{where}] {want_name} {a}, {got_name} {b}"
