"""The notebook parts of a submission: the inline answers and the search cell's printed validation
accuracy, collected into one report for the instructor. The notebook is only read as JSON here;
nothing in it is executed, and a stored output is text a student can type: it earns no points
(the instructor reads it in the report, as part of the manual grade).
"""
import json
import re

from .sandbox import printable

ACCURACY = re.compile(r"validation accuracy[^0-9\n]{0,60}?([01]?\.\d+)", re.I)
ANSWER = re.compile(r"your answer|\*\*answer", re.I)


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
    "$\\color{blue}{\\textit Your Answer:}$") and markup."""
    text = ANSWER.sub("", source)
    text = re.sub(r"\\[a-zA-Z]+|\{[a-zA-Z]*\}", "", text)      # \color{blue}, \textit
    return bool(re.sub(r"[\s*_${}:.\\]", "", text))


def answers(cells):
    """(markdown, answered, total): each inline question followed by the student's answer cell,
    "(not answered)" where the cell still holds only its prompt."""
    parts, question, count = [], None, 0
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = _text(cell, "source").strip()
        tags = cell.get("metadata", {}).get("tags", []) if isinstance(cell.get("metadata"), dict) else []
        if re.match(r"[#*\s]*inline question", source, re.I):     # "### Inline question 1" or "**Inline Question 1**"
            question = source.splitlines()[0].strip("#* ")
        if "answer" in tags or ANSWER.search(source):
            ok = answered(source)
            count += ok
            parts.append(f"## {question or 'Answer'}\n\n{source if ok else '(not answered)'}\n")
    return "\n".join(parts), count, len(parts)


def grade(data, min_accuracy):
    """([tests], report) for a submitted softmax.ipynb given as bytes. The tests are worth nothing:
    the answers and the printed accuracy go to the report, for the manual grade."""
    try:
        cells = json.loads(data.decode("utf-8"))["cells"]
        assert isinstance(cells, list) and all(isinstance(c, dict) for c in cells)
    except (ValueError, KeyError, TypeError, AssertionError, UnicodeDecodeError):
        return [{"name": "notebook: inline answers", "score": 0, "max_score": 0,
                 "output": "notebooks/softmax.ipynb is not a readable notebook"}], ""
    body, count, total = answers(cells)
    report = f"{count} of {total} answered\n\n"
    tests = [{"name": "notebook: inline answers", "score": 0, "max_score": 0,
              "output": f"{count} of {total} answered, collected for the instructor's report (grade --answers DIR)"}]
    accuracy = search_accuracy(cells)
    if accuracy is not None:
        printed = (f"best printed validation accuracy {accuracy:.4f} "
                   f"({'at least' if accuracy >= min_accuracy else 'below'} {min_accuracy}), as stored in the notebook")
        report += f"Search: {printed}\n\n"
        tests.append({"name": "notebook: validation accuracy of the search", "score": 0, "max_score": 0,
                      "output": f"{printed}: a stored output is text anyone can type, so it earns no points "
                                f"here; it is in the instructor's report, for the manual grade"})
    return tests, printable(report + body)
