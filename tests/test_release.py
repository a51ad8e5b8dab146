"""python -m instructor release: markers cut out on a small made-up solution, then on this repository."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import assignment_checks
from assignment_checks.exercises import counted
from conftest import run_notebook
from instructor import release as rel
from instructor.markers import MarkerError

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
    cell("code", "print('evidence')", tags=["solution"]),
    cell("markdown", "How the fast kernel compares", tags=["solution"]),
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
        "assignment_checks/__init__.py": "",
        "assignment_checks/expected.json": "{}\n",
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
    assert text.startswith('"""A toy module."""\nimport numpy as np\n\n\ndef double(x):')


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
        "import numpy as np\nbest = None\n# TODO: search\nraise NotImplementedError('the code under \"Toy\" in "
        "notebooks/toy.ipynb is not written yet: write it in this cell, then run the cells below')\nprint(best)",
        "### Inline question 1\n*Why?*",
        "*Your answer:*",
    ]
    code = nb["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert nb["cells"][3]["metadata"]["tags"] == ["answer"]        # make submit finds the answers by this tag


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
    assert (dest / "setup.cfg").read_text() == ("[options]\npackages = classifiers, assignment_checks, assignment_checks.exercises\n\n"
                                                "[options.package_data]\nassignment_checks = *.json\n")


def test_edition_extras_and_exercise_list(toy_repo, tmp_path):
    dest = released(toy_repo, tmp_path)
    readme = (dest / "README.md").read_text()
    assert ('1. `classifiers/toy.py`: `double`, `Thing.step`\n'
            '2. `notebooks/toy.ipynb`: the code under "Toy", Inline question 1\n') in readme
    assert "make check" in (dest / ".github/workflows/classroom.yml").read_text()
    assert (dest / "tests/test_exercises.py").is_file() and (dest / "assignment_checks/expected.json").is_file()


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


# ---------------------------------------------------------------- this repository's edition

REQUIRED = {
    "classifiers/softmax.py": ["softmax_loss_naive", "softmax_loss_vectorized"],
    "classifiers/linear_svm.py": ["svm_loss_naive", "svm_loss_vectorized"],
    "classifiers/linear_classifier.py": ["LinearClassifier.train", "LinearClassifier.predict"],
    "classifiers/k_nearest_neighbor.py": ["KNearestNeighbor.compute_distances_two_loops", "KNearestNeighbor.predict_labels",
                                          "KNearestNeighbor.compute_distances_one_loop",
                                          "KNearestNeighbor.compute_distances_no_loops"],
}
PROBE = Path(__file__).resolve().parent / "edition_probe.py"


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """This repository's student edition, and its exercises."""
    dest = tmp_path_factory.mktemp("release") / "edition"
    return dest, rel.release(dest)


def run_in(folder, *args, **kwargs):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *args], cwd=folder, capture_output=True, text=True, env=env,
                          **kwargs)


def test_the_required_exercises_are_marked(edition):
    _, exercises = edition
    for path, names in REQUIRED.items():
        assert set(names) <= set(exercises[path]), path
    assert exercises["notebooks/softmax.ipynb"] == ["Inline question 1", 'the code under "Hyperparameter search"',
                                                    "Inline question 2", "Inline question 3", "Inline question 4"]
    assert exercises["notebooks/cross_entropy.ipynb"]
    assert exercises["notebooks/knn.ipynb"] == ["Inline question 1", "Inline question 2", 'the code under "Cross-validation"',
                                                "Inline question 3"]


def test_features_ship_as_they_are_and_their_notebook_with_its_answers_blanked(edition):
    """CS231n hands features.py out: the edition has it byte for byte. features.ipynb keeps its two searches
    for the student to write and blanks its answer; the evidence under the answer is gone."""
    dest, exercises = edition
    shipped = (dest / "classifiers" / "features.py").read_bytes()
    assert shipped == (rel.ROOT / "classifiers" / "features.py").read_bytes()
    assert exercises.get("classifiers/features.py") is None
    assert exercises["notebooks/features.ipynb"] == ['the code under "A softmax classifier on the features"',
                                                     "Inline question 1",
                                                     'the code under "A two-layer network on the features"']
    cells = json.loads((dest / "notebooks" / "features.ipynb").read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells]
    assert [src for c, src in zip(cells, sources) if "answer" in c["metadata"].get("tags", [])] == ["*Your answer:*"]
    assert not any("solution" in c["metadata"].get("tags", []) for c in cells)
    assert sum("is not written yet" in src for src in sources) == 2
    assert not any("BEGIN SOLUTION" in src or "confusion" in src or "Solver(net" in src for src in sources)


def test_no_function_of_the_edition_computes_softmax_and_every_exercise_raises(edition, tmp_path):
    dest, exercises = edition
    out = subprocess.run(
        [sys.executable, str(PROBE), str(dest)], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PROBE_CWD": str(tmp_path), "MPLBACKEND": "Agg"})
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout)
    assert report["found"] == []
    assert report["calls"] > 1000
    messages = set(report["not_written"])
    for path, names in exercises.items():
        if path.endswith(".py"):
            for name in names:
                assert any(m.startswith(name) and m.endswith(f"is not written yet: open {path}") for m in messages), \
                    f"{name} never raised its NotImplementedError naming {path}"


def test_the_untouched_edition_passes_its_own_tests(edition):
    dest, _ = edition
    out = run_in(dest, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert out.returncode == 0, out.stdout[-3000:]
    assert " skipped" in out.stdout and "failed" not in out.stdout


def test_the_untouched_edition_checks_say_not_written_yet(edition):
    dest, exercises = edition
    out = run_in(dest, "-m", "assignment_checks")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.rstrip().endswith(f"\n{counted()}: 0 ok, 0 failed, {len(assignment_checks.EXERCISES)} not written yet"), \
        out.stdout
    assert "[not written yet] softmax_loss_naive (classifiers/softmax.py)\n[not written yet] softmax_loss_vectorized " \
           "(classifiers/softmax.py)\n" in out.stdout


def test_the_release_and_make_check_count_the_same_exercises(tmp_path, capsys):
    """The release said 26 exercises (it counted the notebooks' questions and cells), `make check` 20:
    both print the count of the exercises' definitions, from one function."""
    assert rel.main([str(tmp_path / "edition")]) == 0
    said = capsys.readouterr().out.splitlines()[0]
    assert said == f"wrote the student edition to {tmp_path / 'edition'}: {counted()}"
    checked = run_in(tmp_path / "edition", "-m", "assignment_checks").stdout.splitlines()[-1]
    assert checked.startswith(f"{counted()}: ") and counted().startswith(f"{len(assignment_checks.EXERCISES)} exercises in ")
    assert counted() == f"{len(assignment_checks.EXERCISES)} exercises in {len({e.path for e in assignment_checks.EXERCISES})} files"
    assert counted(assignment_checks.EXERCISES[:1]) == "1 exercise in 1 file"


@pytest.fixture()
def completed(edition, tmp_path):
    """The edition with the solution's version of every file a student edits copied in."""
    dest, exercises = edition
    done = tmp_path / "completed"
    shutil.copytree(dest, done)
    for path in exercises:
        shutil.copyfile(rel.ROOT / path, done / path)
    return done


def test_round_trip_the_solutions_files_pass_every_check(completed):
    out = run_in(completed, "-m", "assignment_checks")
    assert out.returncode == 0, out.stdout[-3000:]
    assert out.stdout.rstrip().endswith(f"\n{counted()}: {len(assignment_checks.EXERCISES)} ok, 0 failed, 0 not written yet"), \
        out.stdout


def test_a_syntax_error_is_reported_once_and_blocks_without_failing(completed):
    path = completed / "classifiers/softmax.py"
    lines = path.read_text().splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines) if text.startswith("def softmax_loss_vectorized")) + 1
    lines[line - 1] = lines[line - 1].replace("):", ")")                  # a missing colon
    path.write_text("".join(lines))
    out = run_in(completed, "-m", "assignment_checks")
    assert out.returncode == 1
    assert out.stdout.count("SyntaxError") == 1 + out.stdout.count("cannot run: fix the SyntaxError"), out.stdout
    assert f"error: classifiers/softmax.py line {line}: SyntaxError" in out.stdout
    blocked = f"cannot run: fix the SyntaxError in classifiers/softmax.py line {line} first"
    assert f"[cannot run] LinearClassifier.train (classifiers/linear_classifier.py)\n    stop  {blocked}" \
        in out.stdout, out.stdout
    assert "[FAIL]" not in out.stdout and "your code raised" not in out.stdout
    assert "[ok] softmax.ipynb" in out.stdout


def test_a_syntax_error_blocks_only_what_imports_its_file(completed):
    """classifiers/__init__.py imports none of its modules: the softmax, the other student files, the data
    and the gradient checker still work while linear_svm.py does not compile; what imports it does not."""
    path = completed / "classifiers/linear_svm.py"
    path.write_text(path.read_text() + "\ndef broken(:\n")
    out = run_in(completed, "-m", "assignment_checks", "softmax_loss_naive")
    assert out.returncode == 0 and "[ok] softmax_loss_naive (classifiers/softmax.py)" in out.stdout, out.stdout
    loaded = run_in(completed, "-c", "import cifar10_data, gradient_check, classifiers, classifiers.softmax, "
                                     "classifiers.layers, classifiers.losses, classifiers.fc_net, classifiers.optim; "
                                     "print(classifiers.softmax.softmax_loss_naive.__name__)")
    assert (loaded.returncode, loaded.stdout) == (0, "softmax_loss_naive\n"), loaded.stderr
    blocked = run_in(completed, "-c", "import classifiers.linear_classifier")
    assert blocked.returncode == 1 and "SyntaxError" in blocked.stderr and "linear_svm.py" in blocked.stderr


def test_an_import_error_is_reported_once_with_its_line(completed):
    path = completed / "classifiers/linear_svm.py"
    path.write_text("import numpy_misspelled\n" + path.read_text())
    out = run_in(completed, "-m", "assignment_checks", "svm")
    assert out.returncode == 1
    assert out.stdout.startswith("error: classifiers/linear_svm.py line 1: ModuleNotFoundError: No module named "
                                 "'numpy_misspelled'\n"), out.stdout
    assert "cannot run: fix the ModuleNotFoundError in classifiers/linear_svm.py line 1 first" in out.stdout
    assert "[FAIL]" not in out.stdout


def test_command_line_train_names_the_function_to_write_first(edition, tmp_path):
    dest, _ = edition
    out = run_in(dest, "-m", "classifiers", "train", "--sample", "--quiet", "--out", str(tmp_path / "run"))
    assert out.returncode != 0
    assert "is not written yet: open classifiers/" in out.stderr
    assert "Traceback" not in out.stderr, out.stderr[-2000:]


def test_command_line_train_names_the_function_before_loading_any_data(edition, tmp_path):
    dest, _ = edition
    empty = tmp_path / "no-data"
    empty.mkdir()
    out = run_in(dest, "-m", "classifiers", "train", "--data-dir", str(empty), "--no-download", "--quiet",
                 "--out", str(tmp_path / "run"))
    assert out.returncode == 2
    assert out.stderr == "error: softmax_loss_vectorized is not written yet: open classifiers/softmax.py\n", out.stderr
    assert not (tmp_path / "run").exists()


def execute(path, cwd):
    """Run a notebook; returns (the cells' outputs, the error that stopped it or None)."""
    import nbformat
    from nbclient.exceptions import CellExecutionError
    nb = nbformat.read(path, as_version=4)
    try:
        run_notebook(nb, cwd)
        return nb, None
    except CellExecutionError as exc:
        return nb, exc


@pytest.mark.slow
@pytest.mark.parametrize("name, first, verdict", [
    ("softmax.ipynb", "softmax_loss_naive is not written yet: open classifiers/softmax.py",
     "[not written yet] softmax_loss_naive (classifiers/softmax.py)"),
    ("cross_entropy.ipynb", "is not written yet: open classifiers/activations.py",
     "[not written yet] losses.softmax (classifiers/activations.py)"),
    ("knn.ipynb", "compute_distances_two_loops is not written yet: open classifiers/k_nearest_neighbor.py",
     "[not written yet] KNearestNeighbor.compute_distances_two_loops (classifiers/k_nearest_neighbor.py)")])
def test_edition_notebooks_run_until_the_first_exercise(edition, name, first, verdict, kernel_env, monkeypatch):
    dest, _ = edition
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_env))
    monkeypatch.setenv("PYTHONPATH", str(dest))        # the kernel imports the edition, not this repository
    nb, error = execute(dest / "notebooks" / name, dest / "notebooks")
    assert error is not None and error.ename == "NotImplementedError" and first in error.evalue
    ran = [c for c in nb.cells if c.cell_type == "code" and c.get("outputs")]
    errors = [o for c in ran for o in c.outputs if o.get("output_type") == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "NotImplementedError"
    checked = ran[-2]                            # the check cell just before said so, and raised nothing
    said = "".join(o.get("text", "") for o in checked.outputs)     # printing may come in several messages
    assert checked.source.startswith("check(") and verdict in said, checked.outputs


@pytest.mark.slow
@pytest.mark.parametrize("name", ["softmax.ipynb", "cross_entropy.ipynb", "knn.ipynb"])
def test_round_trip_notebooks_run_to_the_end(completed, name, kernel_env, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_env))
    monkeypatch.setenv("PYTHONPATH", str(completed))
    _, error = execute(completed / "notebooks" / name, completed / "notebooks")
    assert error is None, str(error)[-3000:]


@pytest.mark.slow
def test_edition_installs_and_imports(edition, tmp_path):
    dest, _ = edition
    target = tmp_path / "site"
    out = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
                          "--target", str(target), str(dest)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    code = ("import classifiers, assignment_checks, cifar10_data, gradient_check, softmax_cifar10.pipeline, assignment_checks.submit\n"
            "from assignment_checks.local import expected_answers\nprint(len(assignment_checks.EXERCISES), len(expected_answers()) > 0)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(target)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == [str(len(assignment_checks.EXERCISES)), "True"]


def test_this_repositorys_release_is_byte_identical_twice(tmp_path):
    rel.release(tmp_path / "one")          # fresh folders: the shared edition collects __pycache__ as tests run
    rel.release(tmp_path / "two")
    assert rel.digest(tmp_path / "one") == rel.digest(tmp_path / "two")


def test_edition_makefile_keeps_check_and_submit_and_drops_bench(edition):
    dest, _ = edition
    makefile = (dest / "Makefile").read_text()
    assert "\n\t$(PY) -m assignment_checks $(ARGS)\n" in makefile and "\n\t$(PY) -m assignment_checks.submit $(ARGS)\n" in makefile
    assert "benchmarks/" not in makefile and not (dest / "benchmarks").exists() and not (dest / "instructor").exists()


def test_edition_notebooks_hold_no_solution(edition):
    dest, _ = edition
    for path in (dest / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text())
        text = "".join("".join(c["source"]) for c in nb["cells"])
        assert "SOLUTION" not in text and "**Answer" not in text and "softmax_loss_fast" not in text
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb["cells"] if c["cell_type"] == "code")
        assert not any("solution" in c.get("metadata", {}).get("tags", []) for c in nb["cells"])


def test_edition_readme_says_how_to_work_on_colab(edition):
    import re
    dest, _ = edition
    readme = (dest / "README.md").read_text()
    first = next(c for c in json.loads((dest / "notebooks/softmax.ipynb").read_text())["cells"]
                 if c["cell_type"] == "code")
    default = re.search(r'^FOLDERNAME = "([^"]+)"', "".join(first["source"]), re.M).group(1)
    assert f'named `{default}`' in readme and f'`FOLDERNAME = "{default}"`' in readme
    assert 'check("softmax_loss_naive")' in readme and "`hand_in()`" in readme and "submission.pdf" in readme


def test_edition_readme_gives_the_download_size_of_get_datasets_sh(edition):
    dest, _ = edition
    readme = (dest / "README.md").read_text()
    script = (dest / "datasets/get_datasets.sh").read_text()
    assert "about 170 MB" in script and "(170 MB)" in readme and "163 MB" not in readme


def test_the_edition_mentions_nothing_it_leaves_out(edition):
    """No text of the edition points at a function, extra, file or figure that only the solution has."""
    dest, _ = edition
    left_out = ["softmax_loss_fast", "oracle", "bench", "benchmarks/", "python -m instructor", "figures in the README",
                "docs/", "notebooks included", "full data set, notebooks", "All three functions",
                "each answer comes with a code"]
    found = []
    for path in sorted(p for p in dest.rglob("*") if p.is_file() and p.suffix in (".py", ".ipynb", ".cfg", ".md", "")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(dest)}: {word}" for word in left_out if word in text]
    assert found == []


def test_no_page_of_docs_ships_in_the_edition(edition):
    """docs/ is the repository's: students read the edition's own README, and docs/instructors.md and
    docs/security.md (how grading draws its hidden cases, what the sandbox lets through) are not theirs."""
    dest, _ = edition
    pages = sorted(p.name for p in (rel.ROOT / "docs").glob("*.md"))
    assert "instructors.md" in pages and "security.md" in pages
    shipped = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert [p for p in shipped if p.startswith("docs/") or p.rpartition("/")[2] in pages] == []


def test_edition_softmax_imports_only_what_it_uses(edition):
    dest, _ = edition
    import ast
    tree = ast.parse((dest / "classifiers/softmax.py").read_text())
    imported = {a.asname or a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for a in node.names}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert imported - used == set()


def test_the_todos_leave_the_derivation_to_the_student(edition, tmp_path, capsys):
    """The default edition's TODOs and docstrings say what to compute, the contract and the pitfalls; the
    '# Hint:' lines and cells tagged hint (the derivation's steps) come only with release --hints (the forms
    the edition must not state: the exercises' FORMULAS, tests/test_derivations.py)."""
    dest, exercises = edition
    hinted = tmp_path / "hinted"
    assert rel.main([str(hinted), "--hints"]) == 0 and "wrote the student edition" in capsys.readouterr().out
    cells = json.loads((hinted / "notebooks/cross_entropy.ipynb").read_text())["cells"]
    assert any("hint" in c["metadata"].get("tags", []) and "onehot" in "".join(c["source"]) for c in cells)
    assert "onehot}(y)" not in (dest / "notebooks/cross_entropy.ipynb").read_text()
    text = (hinted / "classifiers/softmax.py").read_text()
    assert "# Hint: its loss with respect to its score for class j is p[j] - [j == y[i]]." in text
    assert "# Hint:" not in (dest / "classifiers/softmax.py").read_text()


def edition_prose(dest):
    """{file: text} of the edition's README (its template, without the generated list of exercises) and
    of its notebooks' markdown cells."""
    texts = {"README.md": (rel.TEMPLATES / "README.md").read_text()}
    for path in sorted((dest / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        texts[f"notebooks/{path.name}"] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return texts


def test_edition_readme_names_every_notebook_in_its_prose(edition):
    """The students' README told them to work through two notebooks: it left out two_layer_net.ipynb."""
    dest, _ = edition
    readme = " ".join(edition_prose(dest)["README.md"].split())
    missing = [p.name for p in (dest / "notebooks").glob("*.ipynb") if f"`notebooks/{p.name}`" not in readme]
    assert missing == [] and "two-layer network" in readme


def test_edition_prose_names_only_files_the_edition_has(edition):
    """A `.py` or `.ipynb` file named in the README or a notebook's text is in the edition (the softmax
    notebook named cifar10_data.py, a package now); a bare name, such as `layers.py`, by its file name."""
    import re
    dest, _ = edition
    shipped = {p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()}
    names = {p.rpartition("/")[2] for p in shipped}
    wrong = [f"{where}: {name}" for where, text in edition_prose(dest).items()
             for name in re.findall(r"`([\w./-]+\.(?:py|ipynb))`", text)
             if name not in shipped and ("/" in name or name not in names)]
    assert wrong == []
