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


def counted(exercises=None):
    """'20 exercises in 10 files': how many of ``exercises`` (all by default) there are, counted from their
    definitions, and in how many files; what the release and ``python -m checks`` print.

    Inputs:
    - exercises: a list of exercises, or None for every exercise.
    Returns: the text.
    """
    exercises = EXERCISES if exercises is None else exercises
    files = len({exercise.path for exercise in exercises})
    return f"{len(exercises)} exercise{'' if len(exercises) == 1 else 's'} in {files} file{'' if files == 1 else 's'}"
