"""``python -m classifiers``: runs the command line of the training application, softmax_cifar10/__main__.py
(the same as ``python -m softmax_cifar10`` and the console script softmax-cifar10). No module imports this one."""
import sys

from softmax_cifar10.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
