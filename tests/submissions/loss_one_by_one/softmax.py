import numpy as np


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    correct = p[np.arange(num_train), y].reshape(1, -1)
    loss = -np.log(correct).mean(axis=1, keepdims=True) + reg * np.sum(W * W)   # bug: a (1, 1) array
    p[np.arange(num_train), y] -= 1
    dW = X.T.dot(p) / num_train + 2 * reg * W
    return loss, dW
