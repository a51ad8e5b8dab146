"""Hostile: no loss code of its own. It looks for a classmate's softmax.py (the submissions named on
the grader's command line, the packages a grader lays out in the temporary folder) and answers
with the classmate's functions."""
import glob
import importlib.util
import os
import tempfile


def _classmates():
    try:
        with open(f"/proc/{os.getppid()}/cmdline", "rb") as f:
            args = [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
    except OSError:
        args = []
    found = []
    for arg in args:
        for root, _, files in os.walk(arg) if os.path.isdir(arg) else ():
            found += [os.path.join(root, name) for name in files if name == "softmax.py"]
    found += glob.glob(os.path.join(tempfile.gettempdir(), "grade-*", "*", "classifiers", "softmax.py"))
    for path in found:
        try:
            with open(path) as f:
                if "def softmax_loss_naive" in f.read() and "Hostile" not in open(path).read(200):
                    yield path
        except OSError:
            pass


def _stolen(name):
    for path in _classmates():
        spec = importlib.util.spec_from_file_location("classmate", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            return getattr(module, name)
        except Exception:
            continue
    raise RuntimeError("no classmate was found")


def softmax_loss_naive(W, X, y, reg):
    return _stolen("softmax_loss_naive")(W, X, y, reg)


def softmax_loss_vectorized(W, X, y, reg):
    return _stolen("softmax_loss_vectorized")(W, X, y, reg)
