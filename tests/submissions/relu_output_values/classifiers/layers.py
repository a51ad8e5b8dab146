import numpy as np


def relu_backward(dout, cache):
    x = cache
    out = np.maximum(x, 0)
    dx = dout * out                              # bug: times the output's values, not where the unit is active
    return dx
