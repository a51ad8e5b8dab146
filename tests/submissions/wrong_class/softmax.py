import numpy as np


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[:, y]).sum() / num_train + reg * np.sum(W * W)   # bug: (N, N) block
    dscores = p.copy()
    dscores[:, y] -= 1
    dW = X.T.dot(dscores) / num_train + 2 * reg * W
    return loss, dW
