"""Run inside a student edition (python edition_probe.py EDITION): call every function of every module.

Every function, method and class of every module of the edition is called with
loss-shaped arguments (W, X, y, reg), scores, labels, an axis, and so on. The
probe prints, as JSON, what came back that equals the softmax loss, its
gradients or softmax probabilities ("found": none may), and the messages of the
NotImplementedErrors raised ("not_written": the exercises must all be there).
Downloads are disabled and a call that hangs is stopped after ten seconds.
"""
import importlib
import inspect
import json
import os
import pkgutil
import signal
import socket
import sys
import urllib.request
import warnings

import numpy as np

EDITION = os.path.abspath(sys.argv[1])
sys.path.insert(0, EDITION)
os.environ["MPLBACKEND"] = "Agg"


def forbidden():
    """The quantities only the student's code may compute, on the probe's problem."""
    rng = np.random.default_rng(0)
    W, X, y = rng.standard_normal((5, 4)), rng.standard_normal((8, 5)), rng.integers(0, 4, 8)
    reg, S = 0.1, X @ W
    P = np.exp(S - S.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    P0 = np.exp(S - S.max(0, keepdims=True))
    P0 /= P0.sum(0, keepdims=True)
    onehot = np.eye(4)[y]
    losses = -np.log(P[np.arange(8), y])
    dS = (P - onehot) / 8
    named = {"probabilities": P, "probabilities (axis 0)": P0, "log-probabilities": np.log(P),
             "log-probabilities (axis 0)": np.log(P0), "per-example losses": losses,
             "softmax - onehot": P - onehot, "dscores": dS, "dW (reg 0)": X.T @ dS,
             "dW": X.T @ dS + 2 * reg * W, "loss (reg 0)": losses.mean(), "loss": losses.mean() + reg * np.sum(W * W)}
    args = [(W, X, y, reg), (W, X, y, 0.0), (S, y), (S, 1), (S, 0), (S,), (S, y, reg), (X, y, reg), (X, y), (X,),
            (W, X, y), (S, y, 0.0)]
    return W, X, named, args


def leaves(value, depth=0):
    if depth > 3:
        return
    if isinstance(value, (tuple, list)):
        for v in value[:8]:
            yield from leaves(v, depth + 1)
    elif isinstance(value, dict):
        for v in list(value.values())[:16]:
            yield from leaves(v, depth + 1)
    elif isinstance(value, (int, float, np.number, np.ndarray)) and not isinstance(value, bool):
        yield np.asarray(value)


def matches(value, named):
    out = []
    for leaf in leaves(value):
        if not np.issubdtype(leaf.dtype, np.number):
            continue
        for name, ref in named.items():
            if leaf.shape == np.shape(ref) and np.allclose(leaf.astype(float), ref, rtol=1e-6, atol=1e-9):
                out.append(name)
    return out


def timeout(*_):
    raise TimeoutError("the probe stops a call after ten seconds")


def callables(module):
    for name, obj in sorted(vars(module).items()):
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(obj):
            yield f"{name}", obj
            for mname in sorted(dir(obj)):                    # inherited methods too: Softmax.train
                if callable(getattr(obj, mname, None)) and not mname.startswith("__"):
                    yield f"{name}.{mname}", (obj, mname)
        elif inspect.isfunction(obj):
            yield name, obj


def instances(cls, W, X, not_written):
    """Instances of ``cls``: made with no argument, with W, and as a network of the probe problem's shape
    (input_dim D, 3 hidden units, C classes: TwoLayerNet's arguments, and FullyConnectedNet's with
    hidden_dims [3]), whose loss takes the probe's X and y; each given W, and X as training data with labels
    (what KNearestNeighbor's methods read). A constructor that is not written yet is recorded in
    ``not_written``, and the network made without it (``unwritten_network``)."""
    found = []
    for make in (lambda: cls(), lambda: cls(W), lambda: cls(W.shape[0], 3, W.shape[1]),
                 lambda: cls([3], W.shape[0], W.shape[1])):
        try:
            obj = make()
        except NotImplementedError as exc:
            not_written.setdefault(str(exc), []).append(cls.__name__)
            obj = unwritten_network(cls, W)
        except BaseException:
            continue
        for attr, value in (("W", W), ("X_train", X), ("y_train", np.arange(len(X)) % W.shape[1])):
            try:
                setattr(obj, attr, value.copy())
            except BaseException:
                pass
        found.append(obj)
    return found


def unwritten_network(cls, W):
    """An instance of a network class whose __init__ is the student's and not written yet, with the
    attributes a written one sets (two layers of the probe problem's shape), so that its other methods run."""
    obj = cls.__new__(cls)
    rng, (D, C) = np.random.default_rng(1), W.shape
    obj.params = {"W1": rng.standard_normal((D, 3)), "b1": np.zeros(3), "W2": rng.standard_normal((3, C)),
                  "b2": np.zeros(C)}
    obj.num_layers, obj.reg, obj.dtype = 2, 0.1, np.dtype(np.float64)
    return obj


def main():
    def offline(*args, **kwargs):
        raise OSError("the probe is offline")
    urllib.request.urlopen = offline
    socket.socket.connect = offline
    os.chdir(os.environ.get("PROBE_CWD", EDITION))
    W, X, named, args = forbidden()
    modules = ["cifar10_data", "gradient_check"]
    for package in ("classifiers", "assignment_checks", "softmax_cifar10", "softmax_safeguards"):
        modules += [package] + [f"{package}.{m.name}" for m in
                                pkgutil.iter_modules(importlib.import_module(package).__path__)]
    found, not_written, calls = [], {}, 0
    signal.signal(signal.SIGALRM, timeout)
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    real_stdout = sys.stdout
    sys.stdout = sys.stderr = open(os.devnull, "w")         # what the functions print is not the probe's output
    for modname in sorted(set(modules)):
        module = importlib.import_module(modname)
        for qualname, target in callables(module):
            if isinstance(target, tuple):
                cls, mname = target
                fns = [getattr(obj, mname) for obj in instances(cls, W, X, not_written)]
                fns.append(getattr(cls, mname))
            else:
                fns = [target]
            for fn in fns:
                for a in args:
                    for kwargs in ({}, {"return_grad": True}):
                        calls += 1
                        signal.alarm(10)
                        try:
                            out = fn(*[x.copy() if isinstance(x, np.ndarray) else x for x in a], **kwargs)
                        except NotImplementedError as exc:
                            not_written.setdefault(str(exc), []).append(f"{modname}.{qualname}")
                            continue
                        except (Exception, SystemExit):
                            continue
                        finally:
                            signal.alarm(0)
                        for name in matches(out, named):
                            found.append(f"{modname}.{qualname}{tuple(np.shape(x) for x in a)} returned the {name}")
    real_stdout.write(json.dumps({"found": sorted(set(found)), "not_written": not_written, "calls": calls}) + "\n")


if __name__ == "__main__":
    main()
