"""CS231n's ``cs231n.data_utils``: loading CIFAR-10 and CS231n's splits (this package's ``cifar10_data``).

The data are looked for where this package keeps them (``cifar10_data.get_data_home()``:
a checkout's datasets/ folder, or $SOFTMAX_DATA, or ~/softmax_data), not in
cs231n/datasets/; ``python -m classifiers download`` puts them there.
"""
from cifar10_data import get_CIFAR10_data, load_CIFAR10

__all__ = ["load_CIFAR10", "get_CIFAR10_data"]
