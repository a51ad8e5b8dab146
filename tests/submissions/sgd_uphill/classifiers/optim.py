import numpy as np


def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    w = w + config["learning_rate"] * dw         # bug: up the gradient
    return w, config
