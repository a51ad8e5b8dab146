"""The child side of the grader: runs one submitted function on the cases it is given.

Started by ``instructor.sandbox`` as ``python -I harness.py TASKDIR``, never imported by the
grader. It lowers its own resource limits first, supplies the old-Python shims, imports the
submitted module, then for each case writes one JSON line to the result channel (a pipe fd
named in TASKDIR/task.json): numbers as JSON, arrays as base64 .npy bytes saved with
allow_pickle=False. Nothing here decides a grade: the grader compares the values itself.
"""
import base64
import builtins
import importlib
import io
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


def encode(value, np):
    """A value as JSON: plain numbers, arrays as .npy bytes, anything else only by its type's name."""
    if type(value) in (bool, int, float):
        return {"number": float(value)}
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        array = value.view(np.ndarray)
        if array.dtype.kind not in "biuf":
            return {"unsupported": f"array of dtype {array.dtype}"}
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        return {"npy": base64.b64encode(buffer.getvalue()).decode("ascii")}
    if isinstance(value, list):        # a loss history
        try:
            return encode(np.array([float(v) for v in value]), np)
        except (TypeError, ValueError, OverflowError):
            return {"unsupported": "list of non-numbers"}
    return {"unsupported": type(value).__name__}


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


# ---------------------------------------------------------------- the reference for timing only

def reference_softmax(W, X, y, reg, np):
    S = X @ W
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S)
    P /= P.sum(axis=1, keepdims=True)
    n = X.shape[0]
    loss = -np.log(P[np.arange(n), y]).mean() + reg * np.sum(W * W)
    P[np.arange(n), y] -= 1
    return loss, X.T @ P / n + 2 * reg * W


def reference_svm(W, X, y, reg, np):
    S = X @ W
    n = X.shape[0]
    M = np.maximum(0, S - S[np.arange(n), y][:, None] + 1)
    M[np.arange(n), y] = 0
    loss = M.sum() / n + reg * np.sum(W * W)
    D = (M > 0).astype(S.dtype)
    D[np.arange(n), y] = -D.sum(axis=1)
    return loss, X.T @ D / n + 2 * reg * W


def best_time(function, args, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - start)
    return best


# ---------------------------------------------------------------- the kinds of case

def run_loss_case(function, inputs, case, np):
    W, X, y, reg = inputs["W"], inputs["X"], inputs["y"], float(inputs["reg"])
    args = (W.copy(), X.copy(), y.copy(), reg)
    if case.get("timing"):
        reference = reference_softmax if case["timing"] == "softmax" else reference_svm
        student, ref = float("inf"), float("inf")
        for _ in range(case.get("rounds", 3)):      # interleaved, so a busy moment hits both
            student = min(student, best_time(function, args, 1))
            ref = min(ref, best_time(lambda *a: reference(*a, np), args, 1))
        return {"student_seconds": student, "reference_seconds": ref}
    result = function(*args)
    out = {}
    if isinstance(result, tuple) and len(result) == 2:
        out["loss"], out["dW"] = encode(result[0], np), encode(result[1], np)
    else:
        out["returned"] = encode(result, np) if not isinstance(result, tuple) else {
            "unsupported": f"tuple of {len(result)} values"}
    if case.get("return_inputs"):
        out["W_after"], out["X_after"], out["y_after"] = (encode(a, np) for a in args[:3])
    return out


def run_train_case(module, inputs, case, np):
    """Train a subclass whose loss records each step and answers with the harness's own softmax."""
    steps = []

    def recorded_loss(W, X_batch, y_batch, reg):
        loss, grad = reference_softmax(W, X_batch, y_batch, reg, np)
        steps.append((np.array(W, copy=True), np.array(X_batch, copy=True), np.array(y_batch, copy=True), loss, grad))
        return loss, grad

    class Graded(module.LinearClassifier):
        def loss(self, X_batch, y_batch, reg):      # CS231n's extension point: train calls it each step
            return recorded_loss(self.W, X_batch, y_batch, reg)

    np.random.seed(int(inputs["seed"]))
    model = Graded()
    history = model.train(inputs["X"].copy(), inputs["y"].copy(), learning_rate=float(inputs["learning_rate"]),
                          reg=float(inputs["reg"]), num_iters=int(inputs["num_iters"]),
                          batch_size=int(inputs["batch_size"]), verbose=False)
    out = {"history": encode(history, np), "steps": len(steps), "final_W": encode(getattr(model, "W", None), np)}
    keep = steps[:case.get("keep_steps", 5)]
    for name, index in (("W", 0), ("X_batch", 1), ("y_batch", 2), ("grad", 4)):
        out[f"step_{name}"] = [encode(step[index], np) for step in keep]
    out["step_losses"] = encode(np.array([float(step[3]) for step in steps]), np)
    out["batch_sizes"] = encode(np.array([step[1].shape[0] for step in steps]), np)
    return out


def run_predict_case(module, inputs, case, np):
    model = module.LinearClassifier()
    model.W = inputs["W"].copy()
    return {"predicted": encode(model.predict(inputs["X"].copy()), np)}


def run_proba_case(module, inputs, case, np):
    model = module.Softmax()
    model.W = inputs["W"].copy()
    return {"proba": encode(model.predict_proba(inputs["X"].copy()), np)}


def inputs_copy(inputs):
    return {k: v.copy() for k, v in inputs.items()}


def main():
    task_dir = sys.argv[1]
    with open(os.path.join(task_dir, "task.json")) as f:
        task = json.load(f)
    channel = Channel(task["fd"])
    limit_resources(task)
    import numpy as np
    supply_shims(np)
    make_package(task["package_dir"])
    os.chdir(task["work_dir"])
    try:
        module = importlib.import_module(task["module"])
    except BaseException as exc:   # a syntax error, sys.exit or KeyboardInterrupt at import
        channel.send({"event": "import", "ok": False, "error": describe(exc)})
        return
    function = None
    if task["kind"] in ("loss", "activation"):
        function = module.__dict__.get(task["function"])
        if not callable(function):     # the file imports, but the function is not in it
            channel.send({"event": "import", "ok": False, "missing": True, "error": task["function"]})
            return
    channel.send({"event": "import", "ok": True})
    runners = {"loss": lambda inp, case: run_loss_case(function, inp, case, np),
               "train": lambda inp, case: run_train_case(module, inp, case, np),
               "predict": lambda inp, case: run_predict_case(module, inp, case, np),
               "proba": lambda inp, case: run_proba_case(module, inp, case, np),
               "activation": lambda inp, case: {"y": encode(function(inputs_copy(inp)["x"], case["dim"]), np)}}
    for index, case in enumerate(task["cases"]):
        if index < task.get("start", 0):
            continue
        channel.send({"event": "start", "case": index})
        inputs = load_inputs(os.path.join(task_dir, case["inputs"]), np)
        try:
            out = runners[task["kind"]](inputs, case)
            message = {"event": "result", "case": index, "ok": True, "out": out}
        except BaseException as exc:   # the submission's exception, whatever it is, costs this case
            message = {"event": "result", "case": index, "ok": False, "error": describe(exc)}
        channel.send(message)
    channel.send({"event": "done"})


if __name__ == "__main__":
    main()
