"""The child side of the grader: runs one submitted function on the cases the grader sends.

Started by ``instructor.sandbox`` inside its sandbox as ``python -I -S harness.py REQUEST_FD RESULT_FD``
in a folder that holds this file, task.json and the files the grader chose (never imported by
the grader). Before anything submitted is imported it lowers its own resource limits and
installs a seccomp filter that refuses network sockets; then it supplies the old-Python shims,
imports the submitted module and answers the grader's cases one at a time.

The protocol, one case at a time:
- grader -> child, on REQUEST_FD: a JSON line {"case", "options", "arrays": [[name, dtype, shape,
  offset]], "size"} followed by ``size`` bytes holding the arrays. A case's inputs arrive only
  when the grader starts that case (and its clock, for a timed case).
- child -> grader, on RESULT_FD: JSON lines {"event": "ready" | "import" | "result", ...};
  numbers as JSON, arrays as base64 .npy bytes saved with allow_pickle=False.
Nothing here computes a right answer: the train case records the steps with a least-squares
loss that no exercise asks for, and the grader compares every value itself.
"""
import base64
import builtins
import ctypes
import importlib
import io
import json
import os
import platform
import resource
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))


def limit_resources(task):
    """Lower this process's limits; the submission runs under them and cannot raise them back."""
    limits = [(resource.RLIMIT_AS, task["memory_bytes"]), (resource.RLIMIT_CPU, task["cpu_seconds"]),
              (resource.RLIMIT_FSIZE, task["file_bytes"]), (resource.RLIMIT_CORE, 0),
              (resource.RLIMIT_NPROC, task["processes"])]
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


# ---------------------------------------------------------------- seccomp, without a library

AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
SYSCALLS = {  # the numbers of the calls a filter here names, per architecture
    "x86_64": {"socket": 41, "clone": 56, "unshare": 272, "setns": 308, "io_uring_setup": 425, "clone3": 435},
    "aarch64": {"socket": 198, "clone": 220, "unshare": 97, "setns": 268, "io_uring_setup": 425, "clone3": 435},
}
AF_UNIX = 1


def install_seccomp(rules):
    """Refuse system calls in this process and everything it starts, for good.

    Inputs:
    - rules: list of (syscall name, test, errno): test None refuses every call; ("equal", v) refuses
      unless the first argument equals v; ("any bit", mask) refuses when it has a bit of mask set.
    Returns True when the filter is in place, False where the architecture or the kernel has none.
    """
    machine = platform.machine()
    if machine not in AUDIT_ARCH:
        return False
    numbers = SYSCALLS[machine]
    LOAD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
    ALLOW, ERRNO = 0x7FFF0000, 0x00050000
    # another calling convention (i386 or x32 calls on x86_64) would dodge the numbers: refused
    program = [(LOAD, 0, 0, 4), (JEQ, 1, 0, AUDIT_ARCH[machine]), (RET, 0, 0, ERRNO | 1),
               (LOAD, 0, 0, 0), (JGE, 0, 1, 0x40000000), (RET, 0, 0, ERRNO | 1)]
    for name, test, errno in rules:
        refuse = (RET, 0, 0, ERRNO | errno)
        if test is None:
            program += [(JEQ, 0, 1, numbers[name]), refuse]
        else:
            jump = (JEQ, 1, 0, test[1]) if test[0] == "equal" else (JSET, 0, 1, test[1])
            program += [(JEQ, 0, 4, numbers[name]), (LOAD, 0, 0, 16), jump, refuse, (LOAD, 0, 0, 0)]
    program.append((RET, 0, 0, ALLOW))

    class Filter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Filter))]

    filters = (Filter * len(program))(*[Filter(*op) for op in program])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        return False
    program_struct = Program(len(program), filters)
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.cast(ctypes.pointer(program_struct),
                                                                        ctypes.c_void_p), 0, 0) == 0


NO_NETWORK = [("socket", ("equal", AF_UNIX), 13),     # EACCES for every family but local sockets
              ("io_uring_setup", None, 1)]            # io_uring can open sockets past the filter


# ---------------------------------------------------------------- the submission's surroundings

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


def make_package(root):
    """The ``classifiers`` package of ``root`` without running its __init__, aliased as cs231n.classifiers."""
    package = types.ModuleType("classifiers")
    package.__path__ = [os.path.join(root, "classifiers")]
    cs231n = types.ModuleType("cs231n")
    cs231n.__path__ = []
    cs231n.classifiers = package
    sys.modules.update({"classifiers": package, "cs231n": cs231n, "cs231n.classifiers": package})
    # CS231n's files import their siblings and helpers (data_utils) by these names
    sys.path.insert(0, root)


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
    """The two pipes: case requests in, one JSON line per message out."""

    def __init__(self, request_fd, result_fd):
        self.requests = os.fdopen(request_fd, "rb", buffering=1 << 20)
        self.fd = result_fd

    def send(self, message):
        data = (json.dumps(message) + "\n").encode()
        while data:
            data = data[os.write(self.fd, data):]

    def receive(self, np):
        """The next case: (index, options, {name: array}), or None when the grader has no more."""
        line = self.requests.readline()
        if not line:
            return None
        header = json.loads(line)
        payload = bytearray(header["size"])      # writable: the arrays are the call's own
        view, got = memoryview(payload), 0
        while got < len(payload):
            n = self.requests.readinto(view[got:])
            if not n:
                return None
            got += n
        arrays = {name: np.frombuffer(payload, np.dtype(dtype), int(np.prod(shape, dtype=np.int64)),
                                      offset).reshape(shape)
                  for name, dtype, shape, offset in header["arrays"]}
        return header["case"], header["options"], arrays


# ---------------------------------------------------------------- the kinds of case

def run_loss_case(function, inputs, case, np):
    W, X, y, reg = inputs["W"], inputs["X"], inputs["y"], float(inputs["reg"])
    result = function(W, X, y, reg)
    out = {}
    if isinstance(result, tuple) and len(result) == 2:
        out["loss"], out["dW"] = encode(result[0], np), encode(result[1], np)
    else:
        out["returned"] = encode(result, np) if not isinstance(result, tuple) else {
            "unsupported": f"tuple of {len(result)} values"}
    if case.get("return_inputs"):
        out["W_after"], out["X_after"], out["y_after"] = (encode(a, np) for a in (W, X, y))
    return out


def least_squares(W, X, y, reg, np):
    """0.5 * mean squared distance of X @ W to the one-hot targets + reg * sum(W**2), and its gradient:
    a loss that falls on separable data and that no exercise asks for."""
    n = X.shape[0]
    residual = X @ W
    residual[np.arange(n), y] -= 1
    return (0.5 * np.sum(residual ** 2) / n + reg * np.sum(W * W), X.T @ residual / n + 2 * reg * W)


def run_train_case(module, inputs, case, np):
    """Train a subclass whose loss records each step and answers with least squares."""
    steps = []

    def recorded_loss(W, X_batch, y_batch, reg):
        loss, grad = least_squares(W, X_batch, y_batch, reg, np)
        steps.append((np.array(W, copy=True), np.array(X_batch, copy=True), np.array(y_batch, copy=True), loss, grad))
        return loss, grad

    class Graded(module.LinearClassifier):
        def loss(self, X_batch, y_batch, reg):      # CS231n's extension point: train calls it each step
            return recorded_loss(self.W, X_batch, y_batch, reg)

    np.random.seed(int(inputs["seed"]))
    model = Graded()
    history = model.train(inputs["X"], inputs["y"], learning_rate=float(inputs["learning_rate"]),
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
    model.W = inputs["W"]
    return {"predicted": encode(model.predict(inputs["X"]), np)}


def run_proba_case(module, inputs, case, np):
    model = module.Softmax()
    model.W = inputs["W"]
    return {"proba": encode(model.predict_proba(inputs["X"]), np)}


def main():
    channel = Channel(int(sys.argv[1]), int(sys.argv[2]))
    with open(os.path.join(HERE, "task.json")) as f:
        task = json.load(f)
    limit_resources(task)
    sealed = install_seccomp(NO_NETWORK)
    sys.path.insert(0, task["site"])
    import numpy as np
    supply_shims(np)
    make_package(HERE)
    channel.send({"event": "ready", "seccomp": sealed})
    if task["require_seccomp"] and not sealed:     # user mode's only guard against the network
        return
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
               "activation": lambda inp, case: {"y": encode(function(inp["x"], case["dim"]), np)}}
    while True:
        request = channel.receive(np)
        if request is None:
            return
        index, case, inputs = request
        try:
            out = runners[task["kind"]](inputs, case)
            message = {"event": "result", "case": index, "ok": True, "out": out}
        except BaseException as exc:   # the submission's exception, whatever it is, costs this case
            message = {"event": "result", "case": index, "ok": False, "error": describe(exc)}
        channel.send(message)


if __name__ == "__main__":
    main()
