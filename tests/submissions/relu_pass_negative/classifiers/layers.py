import numpy as np


def relu_backward(dout, cache):
    x = cache
    dx = dout.copy()                             # bug: passed where x is negative too
    return dx
