"""The notebook parts of a submission: the search cell's printed validation accuracy, and the
inline answers collected into one report for the instructor. The notebook is only read as
JSON here; nothing in it is executed.
"""
import json
import re

ACCURACY = re.compile(r"validation accuracy[^0-9\n]{0,60}?([01]?\.\d+)", re.I)
ANSWER = re.compile(r"your answer|your explanation|\*\*answer|fill this in", re.I)   # prompts, CS231n's too
QUESTION = re.compile(r"[#*\s]*(inline question\s*\d*)", re.I)


def _text(cell_or_output, key):
    value = cell_or_output.get(key, "")
    return "".join(value) if isinstance(value, list) else str(value)


def search_accuracy(cells):
    """The best validation accuracy printed by the search cell(s), or None if none was printed."""
    best = None
    for cell in cells:
        source = _text(cell, "source")
        if cell.get("cell_type") != "code" or not re.search(r"best_val|regularization_strengths", source):
            continue
        for output in cell.get("outputs", []) if isinstance(cell.get("outputs"), list) else []:
            text = _text(output, "text") + _text(output.get("data", {}) if isinstance(output, dict) else {},
                                                 "text/plain")
            for match in ACCURACY.finditer(text):
                value = float(match.group(1))
                best = value if best is None else max(best, value)
    return best


def answered(source):
    """Whether an answer cell holds more than its prompt ("*Your answer:*", CS231n's
    "$\\color{blue}{\\textit Your Answer:}$ *fill this in*") and markup."""
    text = ANSWER.sub("", source)
    text = re.sub(r"\\[a-zA-Z]+|\{[a-zA-Z]*\}", "", text)      # \color{blue}, \textit
    return bool(re.sub(r"[\s*_${}:.\\]", "", text))


def answers(cells):
    """(markdown, answered, total): each inline question followed by the student's answer cell,
    "(not answered)" where the cell still holds only its prompt. In CS231n's layout the question
    and its prompt share a cell: only what follows the prompt is the answer."""
    parts, question, count = [], None, 0
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = _text(cell, "source").strip()
        tags = cell.get("metadata", {}).get("tags", []) if isinstance(cell.get("metadata"), dict) else []
        heading = QUESTION.match(source)          # "### Inline question 1" or "**Inline Question 1** - *True or False*"
        if heading:
            question = heading.group(1).strip()
        prompt = ANSWER.search(source)
        if "answer" in tags or prompt:
            ok = answered(source[prompt.start():] if prompt else source)
            count += ok
            parts.append(f"## {question or 'Answer'}\n\n{source if ok else '(not answered)'}\n")
    return "\n".join(parts), count, len(parts)


def grade(data, min_accuracy):
    """([tests], report) for a submitted softmax.ipynb given as bytes."""
    try:
        cells = json.loads(data.decode("utf-8"))["cells"]
        assert isinstance(cells, list) and all(isinstance(c, dict) for c in cells)
    except (ValueError, KeyError, TypeError, AssertionError, UnicodeDecodeError):
        return [{"name": "notebook: inline answers", "score": 0, "max_score": 0,
                 "output": "notebooks/softmax.ipynb is not a readable notebook"}], ""
    report, count, total = answers(cells)
    report = f"{count} of {total} answered\n\n{report}"
    tests = [{"name": "notebook: inline answers", "score": 0, "max_score": 0,
              "output": f"{count} of {total} answered, collected for the instructor's report (grade --answers DIR)"}]
    accuracy = search_accuracy(cells)
    if accuracy is not None:
        ok = accuracy >= min_accuracy
        tests.append({"name": "notebook: validation accuracy of the search", "score": 1 if ok else 0,
                      "max_score": 1, "output": f"best printed validation accuracy {accuracy:.4f} "
                                                f"({'at least' if ok else 'below'} {min_accuracy})"})
    return tests, report
