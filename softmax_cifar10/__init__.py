"""The training application of the assignment: the command line (``python -m softmax_cifar10``, also
``python -m classifiers`` and the console script softmax-cifar10), the pipeline and its search, the training
recipes, the model kinds and their saved files, the plots, BLAS pinning and timing helpers.

It uses the models of ``classifiers`` and the data of ``cifar10_data``; neither of them imports it.
"""
