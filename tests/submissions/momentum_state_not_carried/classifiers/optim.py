import numpy as np


def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    next_w = w + config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v                                       # bug: the old velocity is stored again
    return next_w, config
