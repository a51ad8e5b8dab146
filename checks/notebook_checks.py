"""Checks of the notebooks' exercises: code cells still to write and inline questions still to answer.

A notebook's code runs in the notebook, so these checks only look at what is
written; run the notebook top to bottom to see the code work.
"""
import json
from pathlib import Path

from .framework import NotWrittenYet, exercise

ANSWER_TAG = "answer"
YOUR_ANSWER = "*Your answer:*"
NOT_WRITTEN = "is not written yet"
NOTEBOOKS = ["notebooks/softmax.ipynb", "notebooks/cross_entropy.ipynb"]
ROOT = Path(__file__).resolve().parent.parent


def cells(path):
    nb = json.loads((ROOT / path).read_text(encoding="utf-8"))
    for index, cell in enumerate(nb["cells"]):
        source = cell.get("source", "")
        yield index, cell, source if isinstance(source, str) else "".join(source)


def headings(nb_cells):
    """For each cell (a dict of a notebook's "cells"), the title of the last markdown heading at or above it.

    A student finds a cell by its section, as the notebook shows it: the answer below
    "### Inline question 1" is under "Inline question 1". Before any heading: "cell k" (1-based).
    """
    titles, current = [], None
    for k, cell in enumerate(nb_cells):
        source = cell.get("source", "")
        if cell.get("cell_type") == "markdown":
            for line in (source if isinstance(source, str) else "".join(source)).splitlines():
                if line.startswith("#"):
                    current = line.lstrip("#").strip()
        titles.append(current or f"cell {k + 1}")
    return titles


def code_name(title):
    """How messages name an exercise code cell: 'the code under "Hyperparameter search"'."""
    return f'the code under "{title}"'


def named_cells(path):
    """(title of its section, cell, source) of every cell of the notebook ``path``."""
    nb_cells = [cell for _, cell, _ in cells(path)]
    return [(title, cell, text) for title, (_, cell, text) in zip(headings(nb_cells), cells(path))]


def is_empty_answer(cell, text):
    return ANSWER_TAG in cell.get("metadata", {}).get("tags", []) and not text.replace(YOUR_ANSWER, "").strip()


def unanswered(path):
    """The sections ("Inline question 1") of the answer cells that hold nothing beyond '*Your answer:*'."""
    return [title for title, cell, text in named_cells(path) if is_empty_answer(cell, text)]


def unwritten(path):
    """The names of the code cells that still raise 'is not written yet' ('the code under "..."')."""
    return [code_name(title) for title, cell, text in named_cells(path) if cell["cell_type"] == "code"
            and "NotImplementedError" in text and NOT_WRITTEN in text]


def notebook_exercise(path):
    def run():
        if not (ROOT / path).is_file():
            raise NotWrittenYet(f"{path} is missing")
        answers = sum(ANSWER_TAG in c.get("metadata", {}).get("tags", []) for _, c, _ in cells(path))
        todo_code, todo_answers = unwritten(path), unanswered(path)
        if todo_code:
            raise NotWrittenYet(f"{', '.join(todo_code)} in {path} still raises NotImplementedError: "
                                f"write the code there and run the notebook top to bottom")
        yield "every exercise cell is written"
        if todo_answers:
            raise NotWrittenYet(f"{len(todo_answers)} of the {answers} inline questions are not answered yet "
                                f"({', '.join(todo_answers)}): write below '{YOUR_ANSWER}'")
        if answers:
            yield f"all {answers} inline questions answered"
    return run


for _path in NOTEBOOKS:
    exercise(_path.split("/")[-1], _path)(notebook_exercise(_path))
