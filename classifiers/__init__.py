"""The assignment's models and losses in numpy: what a student writes (k_nearest_neighbor.py, softmax.py,
linear_svm.py, linear_classifier.py, activations.py, layers.py, fc_net.py, optim.py) and what CS231n hands out
beside them (solver.py, vis_utils.py) or this package adds (losses.py: the cross-entropy family
with PyTorch's semantics, built on activations.py).

Import from the modules (``from classifiers.linear_classifier import Softmax``): this file imports
none of them, so a syntax error in a half-written file stops only what imports that file.
The training application is the package softmax_cifar10; ``python -m classifiers`` runs its command line.
"""
__version__ = "0.1.0"
