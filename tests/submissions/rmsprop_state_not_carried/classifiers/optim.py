import numpy as np


def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    decay, eps = config["decay_rate"], config["epsilon"]
    cache = decay * config["cache"] + (1 - decay) * dw ** 2          # bug: never stored in config
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + eps), config
