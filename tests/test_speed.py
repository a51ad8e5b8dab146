"""assignment_checks/speed.py: the speed property any exercise can declare, and the loop scanner, on a method."""
import importlib.util

import numpy as np

from assignment_checks import local
from assignment_checks.framework import Case, Exercise, Failed, Property, close, judge, require
from assignment_checks.speed import Speed, loops_in

LOOPED = '''import numpy as np


def compute_distances_no_loops(X, T):
    return X


class Nearest:
    def compute_distances_no_loops(self, X, T):
        dists = np.zeros((len(T), len(X)))
        for i in range(len(T)):
            dists[i] = np.sum((X - T[i]) ** 2, axis=1)
        return dists
'''

VECTORIZED = '''import numpy as np


class Nearest:
    def compute_distances_no_loops(self, X, T):
        return np.sum(T ** 2, axis=1)[:, None] - 2 * T @ X.T + np.sum(X ** 2, axis=1)[None, :]
'''


def test_loops_in_reads_a_method_not_the_function_of_the_same_name():
    """The scanner finds the loop of Nearest.compute_distances_no_loops (line 11), not the loop-free
    module function of the same name, and nothing for a method that is not there."""
    assert loops_in(LOOPED, "Nearest.compute_distances_no_loops") == [11]
    assert loops_in(LOOPED, "compute_distances_no_loops") == []
    assert loops_in(LOOPED, "Nearest.predict") == []
    assert loops_in("class A:\n    class B:\n        def f(self):\n            while True:\n                pass\n",
                    "A.B.f") == [4]


def distances(ctx):
    require(close(ctx.value("rows", "dists"), ctx.want("rows", "dists")), "wrong distances")
    return "right"


SPEED = Speed(limits={"rows": 25.0}, workloads={"rows": "on 10000 test rows (D = 8)"},
              loop_over="the number of test rows", name="speed (no loop over test rows)")

EXERCISE = Exercise(
    name="compute_distances_no_loops", path="nearest.py", function="Nearest.compute_distances_no_loops",
    call=lambda module, case: {"dists": module.Nearest().compute_distances_no_loops(**case.inputs)},
    cases=lambda rng, public: [Case("rows", {"X": rng.standard_normal((5, 8)), "T": rng.standard_normal((10000, 8))},
                                    {"timed": True})],
    properties=[Property("distances", 1, distances), SPEED.property()],
    baseline=lambda case: np.tanh(case.inputs["T"] @ case.inputs["X"].T))


def verdicts(tmp_path, source):
    """{property: (what holds, Failed)} of the made-up exercise on a student's ``source``, as ``make check``
    judges it (the call and its baseline timed in this process)."""
    path = tmp_path / "nearest.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("nearest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases = EXERCISE.cases(np.random.default_rng(0), True)
    X, T = cases[0].inputs["X"], cases[0].inputs["T"]
    right = ((T[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    ctx = local.LocalContext(EXERCISE, cases, EXERCISE.target(module), {"rows": {"dists": [[[], right.tolist()]]}},
                             source.encode())
    return {prop.name: (text, failure) for prop, text, failure in judge(EXERCISE, ctx)}


def test_a_method_with_a_loop_is_too_slow_and_its_loop_is_named(tmp_path):
    """The same property linear_losses declares, on a made-up exercise of a class method: the looped method
    fails it, naming its loop's line; the vectorized one earns it. Both compute the right distances."""
    looped = verdicts(tmp_path, LOOPED)
    assert looped["distances"] == ("right", None)
    failure = looped[SPEED.name][1]
    assert isinstance(failure, Failed), looped
    assert "too slow for a vectorized version" in str(failure) and "(a loop at line 11)" in str(failure), failure
    assert "the number of test rows" in str(failure)
    vectorized = verdicts(tmp_path, VECTORIZED)
    assert vectorized[SPEED.name][1] is None and vectorized[SPEED.name][0].startswith("vectorized: "), vectorized
