"""CS231n's ``cs231n.classifiers.fc_net``: TwoLayerNet, FullyConnectedNet, and the layers, which CS231n's fc_net
imports with ``*`` so that two_layer_net.ipynb's ``from cs231n.classifiers.fc_net import *`` has them."""
from classifiers.fc_net import FullyConnectedNet, TwoLayerNet

from ..layer_utils import *  # noqa: F401,F403
from ..layer_utils import __all__ as _layers

__all__ = ["TwoLayerNet", "FullyConnectedNet", *_layers]
