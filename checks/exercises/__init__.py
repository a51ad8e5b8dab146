"""Every exercise of the assignment, each defined once, in the order a student works in."""
from . import activations, linear_classifier, linear_losses, notebooks, two_layer_net

EXERCISES = [*linear_losses.EXERCISES, *linear_classifier.EXERCISES, notebooks.EXERCISES[0],
             *activations.EXERCISES, *notebooks.EXERCISES[1:], *two_layer_net.EXERCISES,
             notebooks.manual("notebooks/two_layer_net.ipynb")]


def by_name(name):
    """The exercise called ``name``; KeyError naming the known ones otherwise."""
    for exercise in EXERCISES:
        if exercise.name == name:
            return exercise
    raise KeyError(f"no exercise {name!r}; the exercises are: {', '.join(e.name for e in EXERCISES)}")
