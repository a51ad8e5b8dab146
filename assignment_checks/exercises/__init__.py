"""Every exercise of the assignment, each defined once, in the order a student works in.

Each module of this folder lists its exercises in ``EXERCISES`` and says where they come with ``STEP``
(or each exercise with its own ``step``); the list is found from the modules and ordered by the steps,
an exercise after another of the same step when its module's name sorts later, or when it comes later
in the same module's list. Adding an exercise edits no list here.
"""
import importlib
import pkgutil


def discover(package=__name__):
    """Every exercise of the modules of a package (this one by default), in the order of their steps.

    Inputs:
    - package: the dotted name of the package whose modules define exercises.
    Returns: a list of Exercise. Raises ValueError naming an exercise whose place is declared nowhere.
    """
    found = []
    for info in sorted(pkgutil.iter_modules(importlib.import_module(package).__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{package}.{info.name}")
        for exercise in getattr(module, "EXERCISES", ()):
            step = exercise.step if exercise.step is not None else getattr(module, "STEP", None)
            if step is None:
                raise ValueError(f"{exercise.name} has no place: give {module.__name__} a STEP or it a step")
            found.append((step, exercise))
    return [exercise for _, exercise in sorted(found, key=lambda pair: pair[0])]


EXERCISES = discover()


def by_name(name):
    """The exercise called ``name``; KeyError naming the known ones otherwise."""
    for exercise in EXERCISES:
        if exercise.name == name:
            return exercise
    raise KeyError(f"no exercise {name!r}; the exercises are: {', '.join(e.name for e in EXERCISES)}")


def counted(exercises=None):
    """'20 exercises in 10 files': how many of ``exercises`` (all by default) there are, counted from their
    definitions, and in how many files; what the release and ``python -m assignment_checks`` print.

    Inputs:
    - exercises: a list of exercises, or None for every exercise.
    Returns: the text.
    """
    exercises = EXERCISES if exercises is None else exercises
    files = len({exercise.path for exercise in exercises})
    return f"{len(exercises)} exercise{'' if len(exercises) == 1 else 's'} in {files} file{'' if files == 1 else 's'}"
