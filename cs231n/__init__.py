"""CS231n's module layout over this package, so CS231n's own assignment-1 notebooks run on it.

A notebook of CS231n's assignment 1 (softmax.ipynb, svm.ipynb, two_layer_net.ipynb,
2019 to 2026) imports ``cs231n.classifiers``, ``cs231n.data_utils``, ``cs231n.solver``
and so on. Each module here re-exports the names CS231n's module of that name
offers from where they live in this package (``classifiers``, ``cifar10_data``,
``gradient_check``); nothing is defined here. Run such a notebook from a folder
without a ``cs231n`` folder of its own, with this package installed.
"""
