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


def unanswered(path):
    """Indices of the answer cells (tagged 'answer') that hold nothing beyond '*Your answer:*'."""
    return [i for i, cell, text in cells(path) if ANSWER_TAG in cell.get("metadata", {}).get("tags", [])
            and not text.replace(YOUR_ANSWER, "").strip()]


def unwritten(path):
    """Indices of the code cells that still raise 'is not written yet'."""
    return [i for i, cell, text in cells(path) if cell["cell_type"] == "code"
            and "NotImplementedError" in text and NOT_WRITTEN in text]


def notebook_exercise(path):
    def run():
        if not (ROOT / path).is_file():
            raise NotWrittenYet(f"{path} is missing")
        answers = sum(ANSWER_TAG in c.get("metadata", {}).get("tags", []) for _, c, _ in cells(path))
        todo_code, todo_answers = unwritten(path), unanswered(path)
        if todo_code:
            raise NotWrittenYet(f"cell {', '.join(map(str, todo_code))} of {path} still raises NotImplementedError: "
                                f"write the code there and run the notebook top to bottom")
        yield "every exercise cell is written"
        if todo_answers:
            raise NotWrittenYet(f"{len(todo_answers)} of the {answers} inline questions are not answered yet "
                                f"(cells {', '.join(map(str, todo_answers))}): write below '{YOUR_ANSWER}'")
        if answers:
            yield f"all {answers} inline questions answered"
    return run


for _path in NOTEBOOKS:
    exercise(_path.split("/")[-1], _path)(notebook_exercise(_path))
