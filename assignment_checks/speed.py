"""Speed, a property any exercise can declare: no Python loop where whole-array code is asked for.

An exercise names its timed cases (``Case`` with ``options={"timed": True}``), the most processor time
each may take in baselines (``Exercise.baseline``: a workload of the same size that computes no answer),
and the outputs whose shape must be an input's; ``Speed(...).property()`` is then one of its properties.
Processor time, unlike the wall time, does not grow with the machine's load. When the code is too slow, the
feedback names the lines of the loops in the student's function, a function of the module or a method
("Class.method", ``Exercise.function``).
"""
import ast
import dataclasses

import numpy as np

from .framework import Failed, Property, parse_python, require

LOOPS = (ast.For, ast.AsyncFor, ast.While)


@dataclasses.dataclass(frozen=True)
class Speed:
    """The speed property of an exercise.

    - limits: {timed case name: the most processor time the call may take, in baselines}.
    - workloads: {timed case name: what the case is, for the feedback ("on N = 10000 short rows")}.
    - shapes: {output: input} whose shapes must agree (or be transposed, which another property charges):
      a timed call that returns something else earns nothing.
    - loop_over: what the time grows with when the code loops ("the number of examples").
    - name, points: the property's.
    """
    limits: dict
    workloads: dict
    shapes: dict = dataclasses.field(default_factory=dict)
    loop_over: str = "the number of examples"
    name: str = "speed (no loop over examples)"
    points: int = 1

    def property(self):
        """The Property: timed (judged last, and only when every other property holds), vouched for by its
        timed cases (their values must be right or a known mistake, so no shortcut is timed instead)."""
        return Property(self.name, self.points, self.judge, vouched_by=tuple(self.limits), timed=True)

    def judge(self, ctx):
        """What holds ("vectorized: ..."), or Failed: an output of the wrong shape, or a call slower than its
        limit, naming the loops of the student's function."""
        ratios = {}
        for case in self.limits:
            for output, given in self.shapes.items():
                got, want = np.shape(ctx.value(case, output)), np.shape(ctx.inputs(case)[given])
                require(got in (want, want[::-1]), f"{self.name.split(' (')[0]} is not credited: the timed call's "
                                                   f"{output} has shape {got}, {given} has {want}")
            ratios[case] = ctx.seconds(case) / max(ctx.baseline_seconds(case), 1e-9)
        figures = "; ".join(f"{ratios[case]:.1f}x the baseline's processor time {self.workloads[case]}"
                            for case in self.limits)
        if all(ratios[case] <= limit for case, limit in self.limits.items()):
            return f"vectorized: {figures}"
        lines = loops_in(ctx.source, ctx.exercise.function)
        where = f" (a loop at line {', '.join(map(str, lines))})" if lines else ""
        raise Failed(f"too slow for a vectorized version: {figures}; the time grows with {self.loop_over} "
                     f"as with a Python loop over them{where}: use whole-array operations instead")


def definition(tree, qualified):
    """The definition Python keeps (the last) of ``qualified`` ("function", "Class.method",
    "Class.Inner.method") in a module's tree, or None."""
    found, body = None, tree.body
    for part in qualified.split("."):
        named = [node for node in body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                 and node.name == part]
        if not named:
            return None
        found, body = named[-1], named[-1].body
    return found if isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def loops_in(source, function):
    """Line numbers of the Python loops in a function's body, read from the submitted source.

    Inputs:
    - source: the student's file (str or bytes), or None.
    - function: its qualified name in the file: "compute_distances_no_loops", "KNearestNeighbor.predict".
    Returns: the sorted line numbers; [] when the file does not parse or holds no such function.
    """
    try:
        tree = parse_python(source)
    except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
        return []
    found = definition(tree, function)
    return sorted(node.lineno for node in ast.walk(found) if isinstance(node, LOOPS)) if found else []

