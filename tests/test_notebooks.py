"""The notebooks: stored clean, questions in order, imports from the package only, executed top
to bottom, and every number in their prose printed by a cell. The claims an answer makes are
asserted by the cells under it, so executing them checks the answers too."""
import ast
import re

import nbformat
import pytest

from assignment_checks import submit
from conftest import IN_CI, ROOT, run_notebook

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d+(?!\w|\.\d)")   # a decimal in prose, also at the end of a sentence
PRINTED = re.compile(r"(?<![\d.])\d+\.\d+(?!\d|\.\d)")     # a whole decimal in an output: "0.3387", never "0.3"
ALLOWED_IMPORTS = {"numpy", "matplotlib", "time", "cifar10_data", "classifiers", "softmax_cifar10", "gradient_check",
                   "torch", "assignment_checks", "os", "sys", "google", "functools"}       # checks: the set-up, check and hand-in cells; google.colab


def stale_numbers(prose, outputs):
    """The decimals of ``prose`` that no output prints as a whole number."""
    printed = set(PRINTED.findall(outputs))
    return [n for n in DECIMAL.findall(prose) if n.lstrip("-") not in printed]


def test_stale_numbers_match_whole_numbers_only():
    assert stale_numbers("accuracy 0.3 and 0.41.", "accuracy 0.3387\n[0.41 0.2]") == ["0.3"]
    assert stale_numbers("a loss of -2.3026 at 1.67 or 0.5x", "loss -2.3026, 1.67e+00, 0.5x") == []
    assert stale_numbers("about 7.5", "17.5 and 7.55") == ["7.5"]


def test_the_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == ["FullyConnectedNets.ipynb", "cross_entropy.ipynb", "features.ipynb", "knn.ipynb",
                                           "softmax.ipynb", "two_layer_net.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: cells {dirty} hold outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_imports_only_the_package_and_its_dependencies(path):
    nb = nbformat.read(path, as_version=4)
    imported = set()
    for c in nb.cells:
        if c.cell_type == "code":
            code = "\n".join(line for line in c.source.splitlines() if not line.startswith("%"))
            for node in ast.walk(ast.parse(code)):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom):
                    imported.add(node.module.split(".")[0])
    assert imported <= ALLOWED_IMPORTS, f"{path.name} imports {sorted(imported - ALLOWED_IMPORTS)}"


def code_sources(path):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_every_notebook_starts_with_the_same_set_up_cell():
    """One set-up for all: a notebook added later gets the same first cell (and only FOLDERNAME to edit)."""
    firsts = {code_sources(path)[0] for path in NOTEBOOKS}
    assert len(firsts) == 1, "the notebooks' first code cells differ"
    first, = firsts
    assert len(re.findall(r"(?m)^FOLDERNAME = ", first)) == 1 and "from assignment_checks import check, hand_in, setup" in first
    assert re.search(r"(?m)^setup\(\)$", first)                 # which turns on autoreload, on any IPython


def test_every_notebook_ends_with_the_same_hand_in():
    ends = {tuple((c.cell_type, c.source) for c in nbformat.read(path, as_version=4).cells[-2:]) for path in NOTEBOOKS}
    assert len(ends) == 1, "the notebooks' hand-in sections differ"
    (kind, heading), last = next(iter(ends))
    assert kind == "markdown" and heading.startswith("## Hand in") and last == ("code", "hand_in()")


def test_every_exercise_of_a_py_file_has_a_check_cell_in_a_notebook():
    import assignment_checks
    names = [m for path in NOTEBOOKS for source in code_sources(path)
             for m in re.findall(r'^check\("([^"]+)"\)', source, re.M)]
    checked = {o.exercise.name for name in names for o in assignment_checks.run_all([name])}
    assert checked == {o.exercise.name for o in assignment_checks.run_all() if o.exercise.path.endswith(".py")}


def test_speed_is_timed_as_a_benchmark_times_it():
    """softmax.ipynb timed one cold call of each loss and printed a vectorized speed-up of 1x (22.4 against
    21.6 ms; warm, 7 to 10x): every cell that prints a time takes it with softmax_cifar10.timing.best_time,
    a warm-up call and the best of several (tests/test_timing.py)."""
    cells = nbformat.read(ROOT / "notebooks" / "softmax.ipynb", as_version=4).cells
    timed = [c.source for c in cells if c.cell_type == "code" and " ms   loss" in c.source]
    assert len(timed) == 2 and all("timing.best_time(" in s and "perf_counter" not in s for s in timed), timed


@pytest.mark.parametrize("name, count", [("knn.ipynb", 3), ("softmax.ipynb", 4), ("two_layer_net.ipynb", 2),
                                         ("features.ipynb", 1), ("FullyConnectedNets.ipynb", 2)])
def test_inline_questions_in_order(name, count):
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    numbers = [int(n) for c in nb.cells if c.cell_type == "markdown"
               for n in re.findall(r"^#+ Inline question (\d+)", c.source, re.M | re.I)]
    assert numbers == list(range(1, count + 1))


def execute(nb, folder, kernel_env, monkeypatch):
    """Run every cell in order, with no time limit; the first cell that raises fails the call."""
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_env))
    run_notebook(nb, folder)
    return "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_a_failing_cell_fails_the_execution(kernel_env, monkeypatch, tmp_path):
    from nbclient.exceptions import CellExecutionError
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("assert 1 + 1 == 3, 'arithmetic'"),
                                         nbformat.v4.new_code_cell("print('never reached')")])
    with pytest.raises(CellExecutionError, match="arithmetic"):
        execute(nb, tmp_path, kernel_env, monkeypatch)
    assert not nb.cells[1].outputs


def test_a_kernel_that_dies_says_how(kernel_env, monkeypatch, tmp_path):
    """Under load, the round trip of softmax.ipynb ended with "DeadKernelError: Kernel died", nothing more: the
    error now says how the kernel ended, so that one killed from outside (the out-of-memory killer sends
    SIGKILL) can be told from one that crashed."""
    from nbclient.exceptions import DeadKernelError
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getpid(), 9)"),
                                         nbformat.v4.new_code_cell("print('never reached')")])
    with pytest.raises(DeadKernelError, match=r"the notebook's kernel died \(killed by SIGKILL\)"):
        execute(nb, tmp_path, kernel_env, monkeypatch)


@pytest.fixture()
def no_hand_in_left():
    """The hand-in cell writes submission.zip and .pdf in the repository: remove those a test made."""
    made = [ROOT / name for name in ("submission.zip", "submission.pdf") if not (ROOT / name).exists()]
    yield made
    for path in made:
        path.unlink(missing_ok=True)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executes_top_to_bottom_and_quotes_computed_numbers(path, kernel_env, monkeypatch, cifar10_dir_if_ci,
                                                            no_hand_in_left):
    nb = nbformat.read(path, as_version=4)
    outputs = execute(nb, path.parent, kernel_env, monkeypatch)
    # a cell's printing may come in several stream messages (a busy kernel flushes mid-line): read it whole
    checked = ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells
               if c.cell_type == "code" and c.source.startswith("check(")]
    assert checked and all(text.startswith("[ok] ") and "[FAIL]" not in text for text in checked), checked
    assert f"wrote submission.zip ({len(submit.handin_files())} files) and submission.pdf (" in outputs
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    stale = stale_numbers(prose, outputs)
    assert not stale, f"{path.name}: numbers in the text that no cell prints: {stale}"
    if path.name in ("knn.ipynb", "softmax.ipynb", "two_layer_net.ipynb", "features.ipynb",
                     "FullyConnectedNets.ipynb") and IN_CI:
        assert "Using the full CIFAR-10" in outputs
    if path.name == "cross_entropy.ipynb" and IN_CI:               # PyTorch is installed there: it compared
        assert "gradient of cross_entropy" in outputs


@pytest.fixture()
def cifar10_dir_if_ci(request):
    """In CI the softmax notebook must run on the full data set: require it there."""
    if IN_CI:
        request.getfixturevalue("cifar10_dir")
