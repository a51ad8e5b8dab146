"""python -m instructor release: markers cut out on a small made-up solution, then on this repository."""
import json
import subprocess
import sys

import pytest

from instructor import release as rel
from instructor.markers import MarkerError, strip_notebook, strip_python

TOY = '''\
"""A toy module."""
import numpy as np

# BEGIN SOLUTION
def _secret(x):
    return x + 1
# END SOLUTION


def double(x):
    """Inputs: - x: a number. Returns: 2 * x."""
    y = None
    # TODO: store 2 * x in y.
    # BEGIN SOLUTION
    y = _secret(x) * 2 - 2
    # END SOLUTION
    return y


class Thing:
    def step(self, a):
        # TODO: first half
        # BEGIN SOLUTION
        a = a + 1
        # END SOLUTION
        # TODO: second half
        # BEGIN SOLUTION
        a = a * 3
        # END SOLUTION
        return a
'''


def cell(kind, source, tags=(), outputs=None):
    c = {"cell_type": kind, "metadata": {"tags": list(tags)} if tags else {}, "source": source}
    if kind == "code":
        c.update(outputs=outputs or [], execution_count=3 if outputs else None)
    return c


NOTEBOOK = {"cells": [
    cell("markdown", "# Toy\nSome prose."),
    cell("code", "import numpy as np\nbest = None\n# TODO: search\n# BEGIN SOLUTION\nbest = 3\n# END SOLUTION\n"
                 "print(best)", outputs=[{"output_type": "stream", "name": "stdout", "text": "3\n"}]),
    cell("markdown", "### Inline question 1\n*Why?*"),
    cell("markdown", "**Answer.** Because.", tags=["answer"]),
    cell("code", "print('evidence')", tags=["answer"]),
], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}


@pytest.fixture()
def toy_repo(tmp_path):
    """A small solution repository with every kind of marker."""
    root = tmp_path / "solution"
    files = {
        "setup.cfg": "[options]\npackages = classifiers\n",
        "pyproject.toml": "[build-system]\nrequires = ['setuptools']\n",
        "Makefile": ".PHONY: venv test bench\n\nvenv:\n\ttrue\n\ntest: venv\n\tpytest\n\n"
                    "bench: venv   ## speed\n\tpython benchmarks/bench_loss.py\n",
        "classifiers/__init__.py": "",
        "classifiers/toy.py": TOY,
        "checks/__init__.py": "",
        "checks/expected.json": "{}\n",
        "gradient_check.py": "def f():\n    return 1\n",
        "notebooks/toy.ipynb": json.dumps(NOTEBOOK),
        "benchmarks/bench_loss.py": "print('not shipped')\n",
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def released(toy_repo, tmp_path, name="edition"):
    dest = tmp_path / name
    rel.release(dest, root=toy_repo)
    return dest


def test_function_region_becomes_not_implemented_naming_function_and_file(toy_repo, tmp_path):
    text = (released(toy_repo, tmp_path) / "classifiers/toy.py").read_text()
    assert '    # TODO: store 2 * x in y.\n    raise NotImplementedError("double is not written yet: ' \
           'open classifiers/toy.py")\n    return y\n' in text
    assert '"""Inputs: - x: a number. Returns: 2 * x."""\n    y = None\n' in text     # signature, docstring kept
    assert "_secret" not in text and "* 2 - 2" not in text and "SOLUTION" not in text


def test_module_level_region_is_removed_whole(toy_repo, tmp_path):
    text = (released(toy_repo, tmp_path) / "classifiers/toy.py").read_text()
    assert text.startswith('"""A toy module."""\nimport numpy as np\n\n\n\ndef double(x):')


def test_edition_raises_the_named_error(toy_repo, tmp_path):
    dest = released(toy_repo, tmp_path)
    code = ("from classifiers import toy\n"
            "for call in (lambda: toy.double(2), lambda: toy.Thing().step(1)):\n"
            "    try:\n        call()\n    except NotImplementedError as e:\n        print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=dest, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["double is not written yet: open classifiers/toy.py",
                                       "Thing.step (part 1 of 2) is not written yet: open classifiers/toy.py"]


def test_two_regions_in_one_method_are_numbered(toy_repo, tmp_path):
    text = (released(toy_repo, tmp_path) / "classifiers/toy.py").read_text()
    assert "# TODO: second half\n        raise NotImplementedError(\"Thing.step (part 2 of 2)" in text


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


def test_marker_error_leaves_the_destination_untouched(toy_repo, tmp_path):
    (toy_repo / "classifiers/bad.py").write_text("# BEGIN SOLUTION\n")
    with pytest.raises(MarkerError, match="classifiers/bad.py:1"):
        rel.release(tmp_path / "edition", root=toy_repo)
    assert not (tmp_path / "edition").exists()


def test_notebook_answers_exercises_and_outputs(toy_repo, tmp_path):
    nb = json.loads((released(toy_repo, tmp_path) / "notebooks/toy.ipynb").read_text())
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert sources == [
        "# Toy\nSome prose.",
        "import numpy as np\nbest = None\n# TODO: search\nraise NotImplementedError(\"the exercise in cell 1 of "
        "notebooks/toy.ipynb is not written yet: write it in this cell, then run the cells below\")\nprint(best)",
        "### Inline question 1\n*Why?*",
        "*Your answer:*",
    ]
    code = nb["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert nb["cells"][3]["metadata"]["tags"] == ["answer"]        # make submit finds the answers by this tag


def test_notebook_json_is_stable_and_valid(toy_repo):
    text, exercises = strip_notebook(json.dumps(NOTEBOOK), "notebooks/toy.ipynb")
    assert exercises == ["cell 1", "answer 1"]
    assert strip_notebook(text, "notebooks/toy.ipynb")[0] == text          # stripping twice changes nothing


def test_release_is_byte_identical_twice(toy_repo, tmp_path):
    first, second = released(toy_repo, tmp_path, "a"), released(toy_repo, tmp_path, "b")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert rel.digest(first) == rel.digest(second)
    (second / "README.md").write_text("changed")
    assert rel.digest(first) != rel.digest(second)


def test_instructor_only_files_and_rules_are_left_out(toy_repo, tmp_path):
    dest = released(toy_repo, tmp_path)
    assert not (dest / "benchmarks").exists()
    makefile = (dest / "Makefile").read_text()
    assert "bench" not in makefile and ".PHONY: venv test\n" in makefile and "test: venv\n\tpytest\n" in makefile
    assert (dest / "setup.cfg").read_text() == ("[options]\npackages = classifiers, checks\n\n"
                                                "[options.package_data]\nchecks = *.json\n")


def test_edition_extras_and_handin_list(toy_repo, tmp_path):
    dest = released(toy_repo, tmp_path)
    readme = (dest / "README.md").read_text()
    assert "1. `classifiers/toy.py`: `double`, `Thing.step`\n2. `notebooks/toy.ipynb`: cell 1, answer 1\n" in readme
    assert json.loads((dest / "checks/handin.json").read_text()) == {
        "files": ["classifiers/toy.py", "notebooks/toy.ipynb"]}
    assert "make check" in (dest / ".github/workflows/classroom.yml").read_text()
    assert (dest / "tests/test_exercises.py").is_file() and (dest / "checks/expected.json").is_file()


def test_refuses_a_non_empty_folder_and_replaces_only_an_edition(toy_repo, tmp_path, capsys):
    dest = tmp_path / "taken"
    dest.mkdir()
    (dest / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not empty; pass --force"):
        rel.release(dest, root=toy_repo)
    with pytest.raises(FileExistsError, match="does not hold a student edition"):
        rel.release(dest, root=toy_repo, force=True)
    assert (dest / "notes.txt").read_text() == "keep me"
    edition = released(toy_repo, tmp_path)
    (edition / "stale.txt").write_text("old")
    rel.release(edition, root=toy_repo, force=True)
    assert not (edition / "stale.txt").exists() and (edition / "classifiers/toy.py").is_file()


def test_refuses_a_folder_inside_the_repository(toy_repo):
    with pytest.raises(ValueError, match="DIR must be outside the repository"):
        rel.release(toy_repo / "edition", root=toy_repo)


def test_command_line_reports_errors_in_one_line(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "f").write_text("")
    assert rel.main([str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_toy_source_runs_unchanged_with_markers(toy_repo):
    namespace = {}
    exec(compile(TOY, "toy.py", "exec"), namespace)
    assert namespace["double"](5) == 10 and namespace["Thing"]().step(1) == 6
