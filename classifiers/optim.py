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

- sgd: a step against the gradient, scaled by the learning rate.
- sgd_momentum: the step is a velocity, a running sum of the gradients that decays by momentum.
- rmsprop: each weight's step is divided by the root of a moving average of its squared gradients.
- adam: rmsprop's moving average (decay beta2) and a moving average of the gradient (decay beta1),
  both corrected for their start at 0.
Each stateful rule stores its state (velocity; cache; m, v and t) in the config it returns,
so that the next call goes on from it.
# Hint: sgd_momentum: v <- momentum * v - learning_rate * dw; w <- w + v.
# Hint: rmsprop: cache <- decay_rate * cache + (1 - decay_rate) * dw**2;
# Hint:   w <- w - learning_rate * dw / (sqrt(cache) + epsilon).
# Hint: adam: t <- t + 1; m <- beta1 * m + (1 - beta1) * dw; v <- beta2 * v + (1 - beta2) * dw**2;
# Hint:   w <- w - learning_rate * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + epsilon).
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
    """Stochastic gradient descent with momentum.

    config format:
    - learning_rate: the step size (default 1e-2).
    - momentum: a number in [0, 1) (default 0.9); 0 gives vanilla sgd.
    - velocity: array of w's shape, the step the rule takes, a decaying running sum of the
      gradients scaled by the learning rate (starts at 0).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    next_w = None
    # TODO: the momentum update: update the velocity v (it decays by config["momentum"] and moves
    # against the gradient, scaled by the learning rate), then move w by it into next_w. The velocity
    # is stored back in config below, for the next call.
    # BEGIN SOLUTION
    v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + v
    # END SOLUTION
    config["velocity"] = v
    return next_w, config


def rmsprop(w, dw, config=None):
    """RMSProp: a step per weight scaled by a moving average of its squared gradients.

    config format:
    - learning_rate: the step size (default 1e-2).
    - decay_rate: a number in [0, 1), how much of the moving average each step keeps (default 0.99).
    - epsilon: a small number that keeps the division finite (default 1e-8).
    - cache: array of w's shape, the moving average of the squared gradients (starts at 0).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    next_w = None
    # TODO: the RMSProp update: fold this step's squared gradient into the moving average
    # config["cache"] (it keeps a fraction config["decay_rate"] of its old value), store the new
    # average in config["cache"] for the next call, and step w into next_w, each weight's step scaled
    # down by the root of its average (epsilon keeps the division finite).
    # BEGIN SOLUTION
    config["cache"] = config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * dw ** 2
    next_w = w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"])
    # END SOLUTION
    return next_w, config


def adam(w, dw, config=None):
    """Adam: momentum and RMSProp together, both moving averages corrected for their start at 0.

    config format:
    - learning_rate: the step size (default 1e-3).
    - beta1: decay of the moving average of the gradient (default 0.9).
    - beta2: decay of the moving average of the squared gradient (default 0.999).
    - epsilon: a small number that keeps the division finite (default 1e-8).
    - m, v: arrays of w's shape, the two moving averages (start at 0).
    - t: the number of steps taken, this one included once it is taken (starts at 0).
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
    next_w = None
    # TODO: the complete Adam update, with the bias correction (not the simplified version of the
    # course notes): count this step in config["t"] first, update the moving averages config["m"]
    # (of the gradient, decay beta1) and config["v"] (of the squared gradient, decay beta2), correct
    # each for having started at 0 (the correction depends on the step count), and step w into next_w.
    # Store m, v and t in config for the next call; never the corrected averages.
    # BEGIN SOLUTION
    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw ** 2
    m_hat = config["m"] / (1 - config["beta1"] ** config["t"])
    v_hat = config["v"] / (1 - config["beta2"] ** config["t"])
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    # END SOLUTION
    return next_w, config


#: the update rules a Solver accepts by name
UPDATE_RULES = {"sgd": sgd, "sgd_momentum": sgd_momentum, "rmsprop": rmsprop, "adam": adam}
