import numpy as np


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    loss = 0.0
    dW = np.zeros_like(W)
    for i in range(num_train):         # bug: still a loop over the examples
        scores = X[i].dot(W)
        scores -= scores.max()
        p = np.exp(scores) / np.exp(scores).sum()
        loss -= np.log(p[y[i]])
        p[y[i]] -= 1
        dW += np.outer(X[i], p)
    loss = loss / num_train + reg * np.sum(W * W)
    dW = dW / num_train + 2 * reg * W
    return loss, dW
