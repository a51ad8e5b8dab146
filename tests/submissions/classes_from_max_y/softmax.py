import numpy as np


def softmax_loss_naive(W, X, y, reg):
    loss = 0.0
    dW = np.zeros_like(W)
    num_train = X.shape[0]
    num_classes = np.max(y) + 1        # bug: not W.shape[1]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores -= np.max(scores)
        total = sum(np.exp(scores[j]) for j in range(num_classes))
        loss += -scores[y[i]] + np.log(total)
        for j in range(num_classes):
            dW[:, j] += (np.exp(scores[j]) / total - (j == y[i])) * X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW
