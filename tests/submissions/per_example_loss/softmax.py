import numpy as np


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(num_train), y]) + reg * np.sum(W * W)   # bug: one loss per example
    p[np.arange(num_train), y] -= 1
    dW = X.T.dot(p) / num_train + 2 * reg * W
    return loss, dW
