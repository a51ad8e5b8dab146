"""The compatibility package cs231n/: every name CS231n's assignment-1 notebooks import is there, and
is this package's own object.

The table is a fact about CS231n's notebooks (softmax.ipynb, svm.ipynb, two_layer_net.ipynb, knn.ipynb, features.ipynb
and FullyConnectedNets.ipynb of github.com/cs231n/cs231n.github.io, assignments 2019 to 2026), read from their import lines and, for
``from cs231n.classifiers.fc_net import *``, from the names the notebook then uses.
"""
import importlib
import importlib.util

import pytest

import cifar10_data
import gradient_check
from assignment_checks.exercises import EXERCISES
from classifiers import features, layers, linear_classifier, optim, solver, vis_utils

IMPORTED = {
    # softmax.ipynb (2019-2026) and svm.ipynb (2019-2024)
    "cs231n.data_utils": ["load_CIFAR10"],
    "cs231n.classifiers.softmax": ["softmax_loss_naive", "softmax_loss_vectorized"],
    "cs231n.classifiers.linear_svm": ["svm_loss_naive", "svm_loss_vectorized"],
    "cs231n.classifiers": ["Softmax", "LinearSVM", "KNearestNeighbor"],   # KNearestNeighbor: knn.ipynb (2025)
    "cs231n.gradient_check": ["grad_check_sparse"],
    # two_layer_net.ipynb (2021-2026)
    "cs231n.classifiers.fc_net": ["TwoLayerNet", "affine_forward", "affine_backward", "relu_forward",
                                  "relu_backward", "softmax_loss", "svm_loss",
                                  "FullyConnectedNet"],            # FullyConnectedNets.ipynb (2025)
    "cs231n.layer_utils": ["affine_relu_forward", "affine_relu_backward"],
    # features.ipynb (2025)
    "cs231n.features": ["extract_features", "hog_feature", "color_histogram_hsv"],
}
IMPORTED_NAMED = {  # `from module import name`: also the lines two_layer_net.ipynb writes out
    "cs231n.data_utils": ["get_CIFAR10_data"],
    "cs231n.gradient_check": ["eval_numerical_gradient", "eval_numerical_gradient_array"],
    "cs231n.solver": ["Solver"],
    "cs231n.vis_utils": ["visualize_grid"],
    "cs231n.features": ["color_histogram_hsv", "hog_feature"],
    "cs231n.optim": ["sgd_momentum", "rmsprop", "adam"],          # FullyConnectedNets.ipynb (2025)
}
#: where each name lives in this package: the exercises' own from their definitions, the others here
HOME = {
    **{exercise.function.split(".")[0]: importlib.import_module(exercise.module) for exercise in EXERCISES
       if exercise.module},
    "load_CIFAR10": cifar10_data, "get_CIFAR10_data": cifar10_data, "LinearSVM": linear_classifier,
    "LinearClassifier": linear_classifier, "grad_check_sparse": gradient_check,
    "eval_numerical_gradient": gradient_check, "eval_numerical_gradient_array": gradient_check,
    "rel_error": gradient_check, "affine_relu_forward": layers, "affine_relu_backward": layers, "Solver": solver,
    "visualize_grid": vis_utils, "sgd_momentum": optim, "rmsprop": optim, "adam": optim,
    "extract_features": features, "hog_feature": features, "color_histogram_hsv": features, "rgb2gray": features,
}


def cs231n_module(exercise):
    """The module of CS231n's layout that holds a .py exercise: cs231n.classifiers.softmax for
    classifiers/softmax.py, cs231n.layers for classifiers/layers.py (CS231n keeps it out of classifiers/);
    None for a file of this package's own (classifiers/losses.py)."""
    for name in ("cs231n." + exercise.module, "cs231n." + exercise.module.rsplit(".", 1)[-1]):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.module and cs231n_module(e)], ids=lambda e: e.name)
def test_every_exercise_is_where_cs231n_imports_it(exercise):
    """Each exercise of a file CS231n has, read from its definition, is in cs231n/ where CS231n's layout has
    that file (``from cs231n.classifiers.softmax import *`` gives softmax_loss_vectorized), as this package's
    object."""
    module, name = cs231n_module(exercise), exercise.function.split(".")[0]
    namespace = {}
    exec(f"from {module} import *", namespace)
    assert namespace.get(name) is getattr(importlib.import_module(exercise.module), name), f"{module}.{name}"


@pytest.mark.parametrize("module", sorted(set(IMPORTED) | set(IMPORTED_NAMED)))
def test_every_imported_name_is_the_packages_own(module):
    mod = importlib.import_module(module)
    for name in IMPORTED.get(module, []) + IMPORTED_NAMED.get(module, []):
        assert getattr(mod, name) is getattr(HOME[name], name), f"{module}.{name}"


def test_star_imports_give_what_the_notebooks_use():
    for module, names in IMPORTED.items():
        namespace = {}
        exec(f"from {module} import *", namespace)
        assert set(names) <= set(namespace), module


@pytest.mark.parametrize("module", ["cs231n.layers", "cs231n.layer_utils", "cs231n.optim", "cs231n.solver",
                                    "cs231n.vis_utils", "cs231n.gradient_check", "cs231n.data_utils", "cs231n.features",
                                    "cs231n.classifiers.linear_classifier", "cs231n.classifiers.fc_net",
                                    "cs231n.classifiers.k_nearest_neighbor"])
def test_each_module_re_exports_only_the_packages_objects(module):
    mod = importlib.import_module(module)
    assert mod.__all__
    for name in mod.__all__:
        assert getattr(mod, name) is getattr(HOME[name], name), f"{module}.{name}"


def test_the_linear_classifiers_are_the_packages():
    import cs231n.classifiers
    assert (cs231n.classifiers.Softmax is linear_classifier.Softmax
            and cs231n.classifiers.LinearSVM is linear_classifier.LinearSVM)
