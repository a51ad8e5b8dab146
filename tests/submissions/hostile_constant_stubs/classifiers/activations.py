"""Hostile: softmax and log_softmax return a constant of the input's shape, finite and unchanged by any
shift of the inputs."""
import numpy as np


def softmax(input, dim, return_grad=False, grad_output=None):
    out = np.zeros_like(input)
    return (out, np.zeros_like(input)) if return_grad else out


def log_softmax(input, dim, return_grad=False, grad_output=None):
    return softmax(input, dim, return_grad, grad_output)
