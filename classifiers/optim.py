"""First-order update rules for training neural networks (CS231n 2025's API).

Every update rule has the same interface:

    next_w, next_config = update(w, dw, config)

Inputs:
- w: array of the current weights (any shape).
- dw: array of w's shape, the gradient of the loss with respect to w.
- config: dict of the rule's hyperparameters (a learning rate, a momentum ...)
  and of its state between steps (a velocity, moving averages ...), or None for
  the defaults. Each rule fills in what is missing with ``setdefault``.

Returns the weights after one step, and the config to pass to the next call.
The Solver keeps one config per parameter. The rules check nothing: the Solver
checks its update rule and configuration once.

- sgd: w <- w - learning_rate * dw.
- sgd_momentum: v <- momentum * v - learning_rate * dw; w <- w + v.
- rmsprop: s <- decay_rate * s + (1 - decay_rate) * dw**2; w <- w - learning_rate * dw / (sqrt(s) + epsilon).
- adam: rmsprop's s (with beta2) and a momentum of the gradient m (with beta1), both corrected
  for their start at 0: w <- w - learning_rate * m_hat / (sqrt(v_hat) + epsilon).
"""
import numpy as np


def sgd(w, dw, config=None):
    """Vanilla stochastic gradient descent: w <- w - learning_rate * dw.

    config format:
    - learning_rate: the step size (default 1e-2).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    # TODO: one step of vanilla gradient descent on w with config["learning_rate"].
    # Return the new weights (updating w in place is fine too).
    # BEGIN SOLUTION
    w = w - config["learning_rate"] * dw
    # END SOLUTION
    return w, config


def sgd_momentum(w, dw, config=None):
    """Stochastic gradient descent with momentum: v <- momentum * v - learning_rate * dw; w <- w + v.

    config format:
    - learning_rate: the step size (default 1e-2).
    - momentum: a number in [0, 1) (default 0.9); 0 gives vanilla sgd.
    - velocity: array of w's shape, the moving average of the steps (starts at 0).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    if "velocity" not in config:
        config["velocity"] = np.zeros_like(w)
    v = config["velocity"]          # the rule's own state: updated in place, one pass fewer over memory
    v *= config["momentum"]
    v -= config["learning_rate"] * dw
    return w + v, config


def rmsprop(w, dw, config=None):
    """RMSProp: a step per weight scaled by a moving average of its squared gradients.

    s <- decay_rate * s + (1 - decay_rate) * dw**2;  w <- w - learning_rate * dw / (sqrt(s) + epsilon)

    config format:
    - learning_rate: the step size (default 1e-2).
    - decay_rate: a number in [0, 1), the moving average's decay (default 0.99).
    - epsilon: a small number that keeps the division finite (default 1e-8).
    - cache: array of w's shape, the moving average s (starts at 0).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    s = config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * dw ** 2
    config["cache"] = s
    return w - config["learning_rate"] * dw / (np.sqrt(s) + config["epsilon"]), config


def adam(w, dw, config=None):
    """Adam: momentum and RMSProp together, both moving averages corrected for their start at 0.

    t <- t + 1;  m <- beta1 * m + (1 - beta1) * dw;  v <- beta2 * v + (1 - beta2) * dw**2
    w <- w - learning_rate * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + epsilon)

    config format:
    - learning_rate: the step size (default 1e-3).
    - beta1: decay of the moving average of the gradient (default 0.9).
    - beta2: decay of the moving average of the squared gradient (default 0.999).
    - epsilon: a small number that keeps the division finite (default 1e-8).
    - m, v: arrays of w's shape, the two moving averages (start at 0).
    - t: the number of steps taken (starts at 0).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw ** 2
    m_hat = config["m"] / (1 - config["beta1"] ** config["t"])
    v_hat = config["v"] / (1 - config["beta2"] ** config["t"])
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config


#: the update rules a Solver accepts by name
UPDATE_RULES = {"sgd": sgd, "sgd_momentum": sgd_momentum, "rmsprop": rmsprop, "adam": adam}
