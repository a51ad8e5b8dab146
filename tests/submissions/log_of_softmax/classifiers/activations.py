import numpy as np


def softmax(input, dim, return_grad=False, grad_output=None):
    e = np.exp(input - input.max(axis=dim, keepdims=True))
    y = e / e.sum(axis=dim, keepdims=True)
    if not return_grad:
        return y
    g = np.ones_like(y) if grad_output is None else grad_output
    return y, y * (g - (g * y).sum(axis=dim, keepdims=True))


def log_softmax(input, dim, return_grad=False, grad_output=None):
    y = np.log(softmax(input, dim))      # a probability that underflows to 0 gives -inf
    if not return_grad:
        return y
    g = np.ones_like(y) if grad_output is None else grad_output
    return y, g - np.exp(y) * g.sum(axis=dim, keepdims=True)
