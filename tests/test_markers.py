"""instructor/markers.py: solution regions cut out of Python files and notebooks, hint lines, and the
errors that name the file and line of a marker that does not pair up."""
import json

import pytest

from instructor.markers import MarkerError, strip_notebook, strip_python, without_hints
from test_release import NOTEBOOK, cell


@pytest.mark.parametrize("lines, message", [
    (["# BEGIN SOLUTION", "x = 1"], r"x.py:1: # BEGIN SOLUTION without an # END SOLUTION"),
    (["x = 1", "# END SOLUTION"], r"x.py:2: # END SOLUTION without a # BEGIN SOLUTION"),
    (["# BEGIN SOLUTION", "  # BEGIN SOLUTION"], r"x.py:2: # BEGIN SOLUTION inside the region opened at line 1"),
    (["x = 1  # BEGIN SOLUTION"], r"x.py:1: a marker must be a whole line"),
])
def test_unpaired_or_inline_markers_are_refused_with_file_and_line(lines, message):
    with pytest.raises(MarkerError, match=message):
        strip_python("\n".join(lines) + "\n", "x.py")


def test_region_that_breaks_python_is_refused():
    source = "def f():\n    # BEGIN SOLUTION\n    if True:\n    # END SOLUTION\n        return 1\n"
    with pytest.raises(MarkerError, match="f.py: the student edition is not valid Python"):
        strip_python(source, "f.py")


def test_notebook_json_is_stable_and_valid():
    text, exercises = strip_notebook(json.dumps(NOTEBOOK), "notebooks/toy.ipynb")
    assert exercises == ['the code under "Toy"', "Inline question 1"]
    assert strip_notebook(text, "notebooks/toy.ipynb")[0] == text          # stripping twice changes nothing


def test_notebook_exercises_are_named_by_the_headings_the_student_sees():
    nb = {"cells": [cell("markdown", "### Inline question 7"), cell("markdown", "## Fast kernel", tags=["solution"]),
                    cell("markdown", "Because.", tags=["answer"]),
                    cell("code", "# BEGIN SOLUTION\nx = 1\n# END SOLUTION")],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    _, exercises = strip_notebook(json.dumps(nb), "n.ipynb")
    assert exercises == ["Inline question 7", 'the code under "Inline question 7"']


def test_a_code_cell_tagged_answer_is_refused():
    nb = {"cells": [cell("code", "x = 1", tags=["answer"])], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    with pytest.raises(MarkerError, match=r"n.ipynb \(cell 0\): a code cell is tagged 'answer'"):
        strip_notebook(json.dumps(nb), "n.ipynb")


def test_hint_lines_are_kept_only_when_asked():
    source = ("def f(x):\n    # TODO: return twice x.\n    # Hint: add x to itself.\n    # BEGIN SOLUTION\n"
              "    return x + x\n    # END SOLUTION\n")
    plain, _ = strip_python(source, "f.py")
    hinted, _ = strip_python(source, "f.py", hints=True)
    assert "Hint" not in plain and "# TODO: return twice x." in plain
    assert "    # Hint: add x to itself.\n    raise NotImplementedError" in hinted
    assert without_hints("a\n  # Hint: b\nc\n") == "a\nc\n"


def test_hint_cells_are_kept_only_when_asked():
    """A cell tagged 'hint' (a derivation's steps, or the code that shows its result) is left out of the default
    edition and kept with --hints; the exercises are named the same in both."""
    nb = {"cells": [cell("markdown", "## Gradient\nDerive dL/dz."), cell("markdown", "dL/dz = p - y", tags=["hint"]),
                    cell("code", "print(p - y)", tags=["hint"]), cell("code", "# BEGIN SOLUTION\nx = 1\n# END SOLUTION")],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    plain, exercises = strip_notebook(json.dumps(nb), "n.ipynb")
    hinted, hinted_exercises = strip_notebook(json.dumps(nb), "n.ipynb", hints=True)
    assert "p - y" not in plain and len(json.loads(plain)["cells"]) == 2
    assert ["".join(c["source"]) for c in json.loads(hinted)["cells"][1:3]] == ["dL/dz = p - y", "print(p - y)"]
    assert exercises == hinted_exercises == ['the code under "Gradient"']
