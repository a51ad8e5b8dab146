import os
os._exit(3)   # hostile: the process ends while importing


def softmax_loss_naive(W, X, y, reg):
    return 0.0, None
