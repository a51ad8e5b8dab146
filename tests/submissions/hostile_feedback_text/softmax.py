"""Hostile: errors whose text holds terminal escapes (clear the screen, move up, a fake score), C1
controls, text reversed on screen and a lone surrogate, which cannot be written as UTF-8."""
import numpy as np

FAKE = "\x1b[2J\x1b[H\x1b[1Afake: 51 / 51\x9b31m\u202eesrever\u202c \ud800 end"


def softmax_loss_naive(W, X, y, reg):
    raise ValueError(FAKE)


def softmax_loss_vectorized(W, X, y, reg):
    print(FAKE)
    return FAKE, np.zeros_like(W)
