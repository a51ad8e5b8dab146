"""The notebooks' exercises, and the one reader of a notebook's cells, headings and answers.

- A notebook's inline answers (markdown cells tagged ``answer``) and code cells whose result is
  a judgement (the hyperparameter search) are graded by hand: ``make check`` says which are not
  written yet, the hand-in's PDF and the grader's answers report show them. Outputs stored in a
  notebook are text anyone can type, so they earn no points here.
- A code cell with a computed result (the gradient by hand in cross_entropy.ipynb) is run by the
  grader itself, like a function: its code, on the grader's inputs, in the sandbox.
"""
import ast
import contextlib
import io
import json
import re
import unicodedata
from typing import NamedTuple

import numpy as np

from .. import tex
from ..framework import Case, Exercise, Failed, Missing, Property, close, differ, parse_python

ANSWER_TAG = "answer"
SOLUTION_TAG = "solution"
HINT_TAG = "hint"           # a cell the student edition shows only with release --hints: a derivation's steps
YOUR_ANSWER = "*Your answer:*"
NOT_WRITTEN = "is not written yet"
#: an answer's prompt: this edition's "*Your answer:*", CS231n's "$\\color{blue}{\\textit Your Answer:}$ *fill this in*"
#: (and its "Your Explanation:" of a true-or-false question); the colon makes it a prompt, not prose
PROMPT = re.compile(r"(\$\\color\{blue\}\{\\textit\s*)?(?<!\*)\**your (answer|explanation)\s*:\s*\**\}?\$?"
                    r"(\s*\*?fill this in\.?\*?)?", re.I)
#: letters that show nothing (Hangul fillers): Unicode's default-ignorable code points among the letters
BLANK_LETTERS = set("\u115f\u1160\u3164\uffa0")
HTML = re.compile(r"<!--|<[A-Za-z/][^<>]*>")


# ---------------------------------------------------------------- reading a notebook

def source(cell):
    """A cell's source as one string (whatever a submitted notebook holds there)."""
    text = cell.get("source", "") if isinstance(cell, dict) else ""
    return "".join(map(str, text)) if isinstance(text, list) else str(text)


def parse(data):
    """The cells of a notebook given as bytes or text; ValueError when it is not a notebook."""
    try:
        nb = json.loads(data)
        cells = nb["cells"]
    except (ValueError, KeyError, TypeError):
        raise ValueError("not a readable notebook (JSON with a list of cells)") from None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise ValueError("not a readable notebook (its cells are not a list of objects)")
    return cells


def tags(cell):
    meta = cell.get("metadata", {})
    found = meta.get("tags", []) if isinstance(meta, dict) else []
    return found if isinstance(found, list) else []


def headings(cells):
    """For each cell, the title of the last markdown heading at or above it ("cell k" before any)."""
    titles, current = [], None
    for k, cell in enumerate(cells):
        if cell.get("cell_type") == "markdown":
            for line in source(cell).splitlines():
                if line.startswith("#"):
                    current = line.lstrip("#").strip()
        titles.append(current or f"cell {k + 1}")
    return titles


def code_name(title):
    """How messages name an exercise code cell: 'the code under "Hyperparameter search"'."""
    return f'the code under "{title}"'


def is_answer(cell):
    return cell.get("cell_type") == "markdown" and ANSWER_TAG in tags(cell)


def answered(text):
    """Whether an answer says something: a visible letter or digit (Unicode's categories L and N, but
    the Hangul fillers) once its prompt, HTML tags and comments are taken out and its math is written
    as text (assignment_checks/tex.py), so that an answer of blank characters, spaces, markup or \\quad is none.
    The one test of an answer, for `make check`, the hand-in's warnings and the answers report."""
    text = tex.MATH.sub(lambda m: m.group(1) or tex.plain(m.group(2) or m.group(3)), PROMPT.sub("", text))
    return any(unicodedata.category(c)[0] in "LN" and c not in BLANK_LETTERS for c in without_html(text))


def without_html(text):
    """``text`` without its HTML tags and comments (an unclosed comment hides the rest)."""
    out, at = [], 0
    for match in HTML.finditer(text):
        if match.start() < at:
            continue
        out.append(text[at:match.start()])
        at = match.end()
        if match.group() == "<!--":
            end = text.find("-->", at)
            at = len(text) if end < 0 else end + 3
    return "".join(out) + text[at:]


def label(title, question):
    """How an inline question is named: its "Inline question N" line when it has one (CS231n's are bold,
    not headings), else the heading above it."""
    first = question.strip().splitlines()[0] if question.strip() else ""
    found = re.match(r"[#*\s]*(inline question\s*\d*)", first, re.I)
    return found.group(1).strip() if found else title


class Question(NamedTuple):
    """An inline question: its name, its text and its answer's, whether it is answered, and the indices
    of the cells that hold the question and the answer (the same cell in CS231n's notebooks)."""
    name: str
    question: str
    answer: str
    answered: bool
    question_cell: int
    answer_cell: int


def questions(cells):
    """[Question] of a notebook's cells, the one reading of which cells are inline questions.

    The notebook marks them: each markdown cell tagged ``answer`` is an answer, and the markdown cell
    above it its question. A notebook with no such tag is in CS231n's layout: a markdown cell holding
    the prompt ("Your Answer:", with its colon) holds the question before it and the answer after it.
    Prose that mentions "your answers" is neither.
    """
    tagged = any(is_answer(cell) for cell in cells)
    out, last = [], None
    for k, (title, cell) in enumerate(zip(headings(cells), cells)):
        if cell.get("cell_type") != "markdown":
            continue
        text = source(cell)
        prompt = None if tagged else PROMPT.search(text)
        asked = source(cells[last]).strip() if last is not None else ""
        if is_answer(cell):
            where = k if last is None else last
            out.append(Question(label(title, asked), asked, text.strip(), answered(text), where, k))
        elif prompt:
            own, answer = text[:prompt.start()].strip(), text[prompt.start():]
            where = k if own or last is None else last
            out.append(Question(label(title, own or asked), own or asked, answer.strip(), answered(answer), where, k))
        else:
            last = k
    return out


def unwritten(cells):
    """The names of the code cells that still raise 'is not written yet'."""
    return list(dict.fromkeys(code_name(title) for title, cell in zip(headings(cells), cells)
                              if cell.get("cell_type") == "code" and "NotImplementedError" in source(cell)
                              and NOT_WRITTEN in source(cell)))


def cell_under(cells, heading, assigns):
    """The source of the code cell under ``heading`` that assigns ``assigns`` (or, not written yet,
    still raises NotImplementedError there); Missing when there is none."""
    candidates = [cell for title, cell in zip(headings(cells), cells)
                  if title == heading and cell.get("cell_type") == "code"]
    for cell in candidates:
        try:
            tree = parse_python(source(cell))
        except SyntaxError:
            return source(cell)                # run it: the SyntaxError is the student's to see
        if any(isinstance(node, ast.Name) and node.id == assigns and isinstance(node.ctx, ast.Store)
               for node in ast.walk(tree)):
            return source(cell)
    for cell in candidates:
        if NOT_WRITTEN in source(cell):
            return source(cell)
    raise Missing(f"no code cell under the heading {heading!r} computes {assigns}")


# ---------------------------------------------------------------- notebooks graded by hand

def manual(path, step):
    """The exercise of a notebook's parts graded by hand: its inline answers and the code cells that
    are not graded by running them; ``step``: its place in the order a student works in."""
    return Exercise(name=path.rsplit("/", 1)[-1], path=path, function="", call=None, cases=None,
                    properties=[], manual=True, step=step)


def progress(cells, skip=()):
    """What is not done yet in a notebook graded by hand (a message), or None; ``skip``: code cells
    graded by running them (their own checks say so)."""
    code = [name for name in unwritten(cells) if name not in skip]
    if code:
        return f"{', '.join(code)} still raises NotImplementedError: write it and run the notebook top to bottom"
    asked = questions(cells)
    todo = [q.name for q in asked if not q.answered]
    if todo:
        return f"{len(todo)} of the {len(asked)} inline questions are not answered yet ({', '.join(todo)})"
    return None


# ---------------------------------------------------------------- cross_entropy.ipynb: the gradient by hand

GRADIENT_HEADING = "The gradient by hand"
GRADIENT_MISTAKES = {
    "gradsum": "the gradient is not divided by N",
    "sign": "the gradient has the wrong sign",
    "onehot": "the one-hot term is missing: the correct class's logit has its own -1",
    "softmaxaxis": "p is normalised over the wrong axis, the examples, instead of the classes",
}


#: the mistakes of losses.softmax that by_hand may follow from without being charged here
SOFTMAX_MISTAKES = {"softmaxaxis"}


def gradient_cases(rng, public):
    n = int(rng.integers(4, 9))
    return [Case("main", {"logits": rng.standard_normal((n, 3)) * 2, "targets": rng.integers(0, 3, n)})]


def call_gradient_cell(cells, case):
    """Run the cell's code with the case's logits and targets, as the notebook would; return by_hand,
    and the submitted losses.softmax of the logits, taken before the cell runs (it may replace
    L.softmax) and left out when it raises: it says which of the grader's own references applies (a
    known mistake there is not charged here), never what the reference is."""
    from classifiers import losses
    from gradient_check import eval_numerical_gradient_array, rel_error
    code = cell_under(cells, GRADIENT_HEADING, "by_hand")
    try:
        p = losses.softmax(case.inputs["logits"].copy(), 1)
    except Exception:         # noqa: BLE001 - not written yet, or broken: the cell may not need it
        p = None
    names = {"np": np, "L": losses, "eval_numerical_gradient_array": eval_numerical_gradient_array,
             "rel_error": rel_error, "logits": case.inputs["logits"].copy(), "targets": case.inputs["targets"].copy()}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, GRADIENT_HEADING, "exec"), names)          # noqa: S102 - the student's own cell
    if "by_hand" not in names:
        raise Failed("the cell ran but did not set by_hand")
    return {"by_hand": names["by_hand"]} if p is None else {"by_hand": names["by_hand"], "p": p}


def gradient_by_hand(ctx):
    """by_hand against the gradient the grader computes from its own logits and targets; one computed
    right from a softmax with a known mistake passes where the student's losses.softmax shows that same
    mistake (the losses.softmax tests charge it). What the child reports of p only selects among the
    grader's references: a cell that replaces L.softmax and answers from it earns nothing."""
    got, want = ctx.value("main", "by_hand"), ctx.want("main", "by_hand")
    if close(got, want):
        return "by_hand is the gradient of the mean cross-entropy"
    labels = ctx.name_mistake("main", "by_hand", got)
    if labels and set(labels) <= SOFTMAX_MISTAKES:
        try:
            same = ctx.name_mistake("main", "p", ctx.value("main", "p")) == labels
        except Failed:
            same = False
        if same:
            return "by_hand follows from your losses.softmax, which is wrong (its own tests say how)"
    what = f"likely {ctx.exercise.explain(labels)}" if labels else "it matches no known mistake"
    raise Failed(f"by_hand is not the gradient of the mean cross-entropy: {what}; {differ('by_hand', want, got)}")


#: each a step of its own (assignment_checks.exercises.EXERCISES is ordered by the steps): a notebook follows the
#: exercises it uses
GRADIENT_CELL = Exercise(name=code_name(GRADIENT_HEADING), path="notebooks/cross_entropy.ipynb",
                         function=GRADIENT_HEADING, call=call_gradient_cell, cases=gradient_cases,
                         imports=("classifiers.losses",), properties=[Property("the gradient by hand", 1, gradient_by_hand)],
                         mistakes=GRADIENT_MISTAKES, cs231n=False, step=50)
EXERCISES = [
    manual("notebooks/knn.ipynb", step=8),
    manual("notebooks/softmax.ipynb", step=30),
    GRADIENT_CELL,
    manual("notebooks/two_layer_net.ipynb", step=70),
    manual("notebooks/features.ipynb", step=75),
    manual("notebooks/FullyConnectedNets.ipynb", step=90),
]

# BEGIN SOLUTION
# ---------------------------------------------------------------- the answers (never released)

#: the ways the gradient cross_entropy.ipynb asks for is written (tests/test_derivations.py; the
#: softmax-gradient forms of linear_losses.FORMULAS apply too)
FORMULAS = [
    r"-\s*\[\s*k\s*=\s*y", r"\bp\s*-\s*q\b", r"0\.7\s*-\s*1\b", r"minus one-hot",
]


def _softmax(logits, axis, max_axis):
    shifted = logits - logits.max(axis=max_axis, keepdims=True)
    return np.exp(shifted) / np.exp(shifted).sum(axis=axis, keepdims=True)


def gradient_answers(case):
    """by_hand, right and with each mistake, and p = softmax(logits): both from the grader's own inputs."""
    logits, targets = case.inputs["logits"], case.inputs["targets"]
    p = _softmax(logits, 1, 1)
    onehot, n = np.eye(3)[targets], len(targets)
    wrong_axis = [_softmax(logits, 0, max_axis) for max_axis in (0, 1)]
    return {"by_hand": [((), (p - onehot) / n), (("gradsum",), p - onehot), (("sign",), (onehot - p) / n),
                        (("onehot",), p / n)] + [(("softmaxaxis",), (q - onehot) / n) for q in wrong_axis],
            "p": [((), p)] + [(("softmaxaxis",), q) for q in wrong_axis]}


GRADIENT_CELL.answers = gradient_answers
# END SOLUTION
