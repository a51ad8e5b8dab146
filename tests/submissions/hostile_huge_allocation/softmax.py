import numpy as np
import os
import sys



def softmax_loss_naive(W, X, y, reg):
    big = np.ones((300000, 1000))     # hostile: 2.4 GB, past the memory limit
    big += 1
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(num_train), y]).mean() + reg * np.sum(W * W)
    p[np.arange(num_train), y] -= 1
    return loss, X.T.dot(p) / num_train + 2 * reg * W


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(num_train), y]).mean() + reg * np.sum(W * W)
    p[np.arange(num_train), y] -= 1
    return loss, X.T.dot(p) / num_train + 2 * reg * W
