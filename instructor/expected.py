"""The expected values the public checks compare with: the solution's results on the public inputs.

``python -m instructor.expected`` rewrites checks/expected.json; tests/test_checks.py
fails while the file and the solution disagree.
"""
import json
import sys

from checks.problems import REG, logits, problem
from classifiers import Softmax, losses
from classifiers.linear_svm import svm_loss_vectorized
from classifiers.softmax import softmax_loss_vectorized

PATH = "checks/expected.json"


def expected():
    """{kind: values} computed by the solution on the public inputs."""
    W, X, y = problem()
    out = {}
    for kind, fn in (("softmax", softmax_loss_vectorized), ("svm", svm_loss_vectorized)):
        loss, dW = fn(W, X, y, REG)
        out[kind] = {"loss_reg0": float(fn(W, X, y, 0.0)[0]), "loss": float(loss), "dW": dW.tolist()}
    z = logits()
    return {**out, "predict_proba": Softmax(W).predict_proba(X).tolist(), "softmax_probabilities": losses.softmax(z, 1).tolist(),
            "log_softmax": losses.log_softmax(z, 1).tolist()}


def main(argv=None):
    from instructor.release import ROOT
    text = json.dumps(expected(), indent=1, sort_keys=True) + "\n"
    (ROOT / PATH).write_text(text)
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
