import numpy as np


def svm_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    margins = np.maximum(0, scores - scores[np.arange(num_train), y][:, None] + 1)
    margins[np.arange(num_train), y] = 0
    loss = margins.sum() / num_train + reg * np.sum(W * W)
    dscores = (margins > 0).astype(float)    # bug: the correct class's -count is missing
    dW = X.T.dot(dscores) / num_train + 2 * reg * W
    return loss, dW
