"""Solution markers: find them in the solution's files and cut them out for the student edition.

A region is the lines between two whole-line comments ``# BEGIN SOLUTION`` and
``# END SOLUTION`` (any indentation). Inside a function, the student edition
replaces the region by one line, at the marker's indentation,

    raise NotImplementedError("double is not written yet: open classifiers/toy.py")

and keeps everything else: the signature, the docstring, the TODO comments the
instructor wrote just above the marker, and the code around it. Outside any
function (module level or a class body) the region is solution-only code and is
removed without a trace: a helper, an import, a faster variant the student must
not be handed.

Notebooks use the same markers in code cells; a markdown cell tagged ``answer``
becomes "*Your answer:*", and a cell tagged ``solution`` (the computed evidence
behind an answer, a demonstration of solution-only code) is left out.

Hints: a whole-line ``# Hint:`` comment (in code, a notebook's code cell or a
docstring) and a cell tagged ``hint`` (a derivation's steps, the check that shows
its result) are what a student is asked to derive. The default edition leaves them
out, and the TODO or the prose above them asks; ``release --hints`` keeps them.
"""
import ast
import json
import re

from assignment_checks.exercises.notebooks import ANSWER_TAG, HINT_TAG, SOLUTION_TAG, YOUR_ANSWER, code_name, headings
from assignment_checks.framework import parse_python

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
HINT = "# Hint:"        # a comment line the edition keeps only when asked (release --hints)


class MarkerError(ValueError):
    """Markers that do not pair up, or a stripped file that is no longer valid Python."""


def find_regions(lines, where):
    """The (begin, end) line indices (0-based, both marker lines) of every region in ``lines``.

    Raises MarkerError naming ``where`` and the line for an unpaired or nested marker.
    """
    regions, start = [], None
    for i, line in enumerate(lines):
        text = line.strip()
        if text == BEGIN:
            if start is not None:
                raise MarkerError(f"{where}:{i + 1}: {BEGIN} inside the region opened at line {start + 1}")
            start = i
        elif text == END:
            if start is None:
                raise MarkerError(f"{where}:{i + 1}: {END} without a {BEGIN} before it")
            regions.append((start, i))
            start = None
        elif BEGIN in text or END in text:
            raise MarkerError(f"{where}:{i + 1}: a marker must be a whole line, found {text!r}")
    if start is not None:
        raise MarkerError(f"{where}:{start + 1}: {BEGIN} without an {END} after it")
    return regions


def _functions(tree, prefix=""):
    """(qualified name, first line, last line) of every function, classes' methods included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield prefix + node.name, node.lineno, node.end_lineno
            yield from _functions(node, prefix + node.name + ".")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, prefix + node.name + ".")


def enclosing_function(tree, lineno):
    """The qualified name of the innermost function holding line ``lineno`` (1-based), or None."""
    best = None
    for name, first, last in _functions(tree):
        if first <= lineno <= last and (best is None or first >= best[1]):
            best = (name, first)
    return best and best[0]


def not_written(name, path):
    """The exercise's body in the student edition."""
    return f'raise NotImplementedError("{name} is not written yet: open {path}")'


def without_hints(text):
    """``text`` without its whole-line ``# Hint:`` comments: the default edition's TODOs say what to
    compute, the contract and the pitfalls; the hints are scaffolding an instructor may add."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.lstrip().startswith(HINT))


def strip_python(text, path, hints=False):
    """The student edition of a .py file, and the names of its exercises in order.

    ``path`` is the file's repo-relative path, which the error message names.
    A function with several regions names each as "name (part k of n)". ``# Hint:`` lines
    are kept only with ``hints``.
    """
    text = text if hints else without_hints(text)
    lines = text.splitlines(keepends=True)
    regions = find_regions(lines, path)
    if not regions:
        return text, []
    tree = parse_python(text, path)
    owners = [enclosing_function(tree, begin + 1) for begin, _ in regions]
    counts = {name: owners.count(name) for name in owners}
    seen, exercises, out, pos = {}, [], [], 0
    for (begin, end), owner in zip(regions, owners):
        out += lines[pos:begin]
        pos = end + 1
        if owner is None:
            continue                                  # solution-only code: removed
        seen[owner] = seen.get(owner, 0) + 1
        name = owner if counts[owner] == 1 else f"{owner} (part {seen[owner]} of {counts[owner]})"
        indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
        out.append(indent + not_written(name, path) + "\n")
        if owner not in exercises:
            exercises.append(owner)
    out += lines[pos:]
    result = "".join(out)
    if None in owners:          # a removed block leaves its blank lines: at most two in a row, none at the end
        result = re.sub(r"\n{4,}", "\n\n\n", result).rstrip("\n") + "\n"
    try:
        parse_python(result, path)
    except SyntaxError as exc:
        raise MarkerError(f"{path}: the student edition is not valid Python ({exc.msg}, line {exc.lineno}); "
                          f"check where its markers sit") from None
    return result, exercises


def _source(cell):
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def _split_source(text):
    """Cell source as nbformat stores it on disk: a list of lines, each but the last ending in newline."""
    return text.splitlines(keepends=True)


def strip_notebook(text, path, hints=False):
    """The student edition of a notebook (JSON text), and its exercises in order.

    Exercises are named as the notebook shows them, by the heading above them:
    "Inline question 1" for an answer, 'the code under "Hyperparameter search"'
    for a code cell. Exercise code regions raise NotImplementedError naming the
    cell that way and the notebook; markdown cells tagged ``answer`` become
    "*Your answer:*"; cells tagged ``solution`` are dropped, and so are cells tagged ``hint``
    unless ``hints``; every output is cleared.
    """
    nb = json.loads(text)
    cells, exercises = [], []
    dropped = {SOLUTION_TAG} if hints else {SOLUTION_TAG, HINT_TAG}
    shown = [c for c in nb["cells"] if not dropped & set(c.get("metadata", {}).get("tags", []))]
    titles = dict(zip(map(id, shown), headings(shown)))       # the headings the student sees
    for index, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        kind = cell["cell_type"]
        if dropped & set(tags):
            continue
        title = titles[id(cell)]
        if ANSWER_TAG in tags:
            if kind == "code":
                raise MarkerError(f"{path} (cell {index}): a code cell is tagged {ANSWER_TAG!r}; tag the "
                                  f"evidence behind an answer {SOLUTION_TAG!r}")
            exercises.append(title)
            cell = dict(cell, source=_split_source(YOUR_ANSWER))
        elif kind == "code":
            source = _source(cell) if hints else without_hints(_source(cell))
            lines = source.splitlines(keepends=True)
            where = f"{path} (cell {index})"
            regions = find_regions(lines, where)
            if regions:
                message = (f"{code_name(title)} in {path} is not written yet: "
                           f"write it in this cell, then run the cells below")
                out, pos = [], 0
                for begin, end in regions:
                    indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
                    out += lines[pos:begin]
                    out.append(f"{indent}raise NotImplementedError({message!r})\n")
                    pos = end + 1
                out += lines[pos:]
                source = "".join(out).rstrip("\n")
                exercises.append(code_name(title))
            cell = dict(cell, source=_split_source(source), outputs=[], execution_count=None)
        cell = dict(cell, metadata={k: v for k, v in cell.get("metadata", {}).items()
                                    if k in ("tags", "editable", "deletable")})
        cells.append(cell)
    nb = dict(nb, cells=cells)
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", exercises
