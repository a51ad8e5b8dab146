"""The hand-in's PDF (assignment_checks/pdf.py), read back with pypdf: text, pages, figures, outline, cover, formulas."""
import base64
import io
import json
import re

import pytest
from PIL import Image

from assignment_checks import pdf, tex
from conftest import ROOT

LONG = "y" * 300                                        # a printed line far wider than the page


def png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def markdown(text, tags=()):
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)} if tags else {}, "source": text}


def code(text, outputs=(), count=1):
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": list(outputs), "execution_count": count}


NOTEBOOK = {"cells": [
    markdown("# A notebook\n\nSome *prose* with $x_i$ in it."),
    code("\n".join(f"line_{k} = {k}" for k in range(25))),
    markdown("### Inline question 1\n\n*Why is the loss close to $\\log 10$?*"),
    markdown("**Answer.** Because every class gets probability one tenth at the start.\n\n"
             "$$L = -\\frac{1}{N}\\sum_i \\log p_{y_i}$$", tags=["answer"]),
    markdown("### Inline question 2\n\nTrue or false: the margin matters."),      # right after a short answer
    markdown("True, the margin moves the kink.", tags=["answer"]),
    code(f"print('{'x' * 250}')", [{"output_type": "stream", "name": "stdout",
                                     "text": f"\x1b[31m{LONG}\x1b[0m\nsecond line\nprogress 10%\rprogress 100%\n"
                                             "a\tb\n"}]),
    code("plot()", [{"output_type": "display_data", "data": {"image/png": png(123, 45), "text/plain": "<Figure>"}}]),
    code("fail()", [{"output_type": "error", "ename": "ValueError", "evalue": "bad",
                     "traceback": ["\x1b[0;31mValueError\x1b[0m: bad input here"]}], count=3),
    code("\n".join(f"more_{k} = {k}" for k in range(38))),                # ends a few lines into a new page
    markdown("### Inline question 3\n\nWhy?"),
    markdown("*Your answer:*", tags=["answer"]),
    code("x = 1", count=None),
    markdown("## Hand in\n\nRun the cell below: it writes the notebooks with your answers, for the graders."),
]}
#: CS231n's layout: no cell tagged, the question and its prompt in one cell
CS231N = {"cells": [
    markdown("# CS231n"),
    markdown("**Inline Question 1**\n\nTrue or false: the margin matters.\n\n"
             "$\\color{blue}{\\textit Your Answer:}$ true, the margin moves the kink."),
]}
QUESTIONS = ["notebooks/a.ipynb: Inline question 1", "notebooks/a.ipynb: Inline question 2",
             "notebooks/a.ipynb: Inline question 3", "notebooks/c.ipynb: Inline Question 1"]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    from pypdf import PdfReader
    out = tmp_path_factory.mktemp("pdf") / "out.pdf"
    marked = []
    mark = pdf.Document.mark
    pdf.Document.mark = lambda self, start: marked.append(start) or mark(self, start)
    try:
        pages = pdf.write(out, [("notebooks/a.ipynb", NOTEBOOK), ("notebooks/c.ipynb", CS231N)],
                          {"notebooks/a.ipynb": "ab" * 32, "x.py": "cd" * 32},
                          ["[ok] softmax_loss_naive (classifiers/softmax.py)", "[FAIL] svm_loss_naive (x.py)"],
                          ["notebooks/b.ipynb was not run: run it"])
    finally:
        pdf.Document.mark = mark
    reader = PdfReader(out)
    assert pages == len(reader.pages)
    return reader, [page.extract_text() for page in reader.pages], marked


def squeeze(text):
    return re.sub(r"\s+", "", text)


def test_text_holds_questions_answers_code_and_outputs_with_long_lines_whole(written):
    _, texts, _ = written
    text = squeeze("".join(texts))
    for expected in ("Why is the loss close to", "Because every class gets probability one tenth at the start",
                     "True or false: the margin matters.", "True, the margin moves the kink.", "line_24 = 24",
                     f"print('{'x' * 250}')", LONG, "second line", "ValueError: bad input here", "In [3]:"):
        assert squeeze(expected) in text, expected
    assert "[31m" not in text and "\x1b" not in text           # terminal colours are not text
    assert "progress100%" in text and "progress10%" not in text   # a line rewritten with \r, as last written
    assert "a       b" in "".join(texts)                          # a tab as the terminal shows it


def test_each_inline_question_and_only_they_start_a_page_with_an_answer_bar(written):
    """Each question's heading is the first line of its page, also after a short answer or a cell that ends a
    few lines into a page (before, a question within 30 mm of a page's top shared that page); the hand-in
    section, whose text says "your answers", is no question and has no bar; each answer has one."""
    reader, texts, marked = written
    starts = [(item.title, reader.get_destination_page_number(item)) for item in _flatten(reader.outline)
              if ": " in item.title]
    assert [title for title, _ in starts] == QUESTIONS
    for title, page in starts:
        assert texts[page].strip().split("\n")[0] == title.split(": ")[1], (title, texts[page][:200])
    assert len({page for _, page in starts}) == len(starts)
    assert len(marked) == 4                              # the three answers and CS231n's question-and-answer cell


def test_figures_are_images(written):
    reader, _, _ = written
    sizes = [image.image.size for page in reader.pages for image in page.images]
    assert sizes == [(123, 45)]                          # the figure; formulas are drawn, not pictures


def test_outline_and_cover_give_the_pages_of_notebooks_and_questions_and_a_line_for_the_name(written):
    reader, texts, _ = written
    titles = [(item.title, reader.get_destination_page_number(item)) for item in _flatten(reader.outline)]
    assert [t for t, _ in titles] == ["notebooks/a.ipynb", *QUESTIONS[:3], "notebooks/c.ipynb", QUESTIONS[3]]
    cover = texts[0]
    for title, page in titles:
        assert f"{title} page {page + 1}" in " ".join(cover.split())
    assert "ab" * 32 + " notebooks/a.ipynb" in " ".join(cover.split())
    assert "[FAIL] svm_loss_naive (x.py)" in cover and "notebooks/b.ipynb was not run: run it" in cover
    assert re.search(r"Name:\s+Student ID:", cover)


def _flatten(outline):
    for item in outline:
        yield from _flatten(item) if isinstance(item, list) else [item]


@pytest.mark.parametrize("written, html", [
    (r"-\log p_{y_i}", "-log <i>p</i><sub><i>y_i</i></sub>"),
    (r"\lambda \sum W^2", "λ Σ <i>W</i><sup>2</sup>"),
    (r"\text{nll} = -\log p_y", "nll = -log <i>p</i><sub><i>y</i></sub>"),
    (r"\color{blue}{\textit Your Answer:}", "<i>Your</i> <i>Answer</i>:"),
    (r"\frac{a}{b} < 1", "<i>a</i>/<i>b</i> &lt; 1"),
    (r"\frac{1}{N}\sum_i L_i", "(1/<i>N</i>)Σ<sub><i>i</i></sub> <i>L</i><sub><i>i</i></sub>"),
    (r"\tfrac12\lambda \left(\textstyle\sum W_1^2\right)", "½λ (Σ <i>W</i><sub>1</sub><sup>2</sup>)"),
    (r"\|\mathbf{x}\|_2", "‖<b>x</b>‖<sub>2</sub>"),
    (r"\mathrm{softmax}(z)_k", "softmax(<i>z</i>)<sub><i>k</i></sub>"),
    (r"\begin{aligned} a &= b \\ c &= d \end{aligned}", "<i>a</i> = <i>b</i>; <i>c</i> = <i>d</i>"),
    (r"\foo{x}", "\\foo{<i>x</i>}"),                                 # unknown: kept as written
    (r"\frac{a}", "$\\frac{a}$"),                                    # cannot be read: the TeX as written
])
def test_inline_math_reads_as_text(written, html):
    assert pdf.inline_math(written) == html


def test_inline_math_may_run_over_a_line_break_but_not_a_paragraph():
    """FullyConnectedNets.ipynb's answer wrote $\\eta\\, g / \\sqrt{t g^2} =<newline>\\eta / \\sqrt{t}$, as Jupyter
    renders it; the PDF paired the dollars wrongly and printed "like1/\\sqrt{t}$" as text."""
    parts = pdf.segments("the step is $a =\nb$ and $c$ here.\n\nA price of $5\n\nand $6.")
    (kind, text, inline), = parts
    assert inline == ["a = b", "c"] and text.count("$") == 2


@pytest.mark.parametrize("written", ["\\frac" * 5000 + "12", "{" * 5000 + "x" + "}" * 5000, r"\begin{foo} x \end{foo}",
                                     r"x^", r"a}b"])
def test_tex_that_cannot_be_written_as_text_is_kept_as_written(written):
    """Arguments nested past Python's recursion limit, braces too deep, an unknown environment, a formula
    ending inside a command, a } without its {: the TeX as written, and no error (answers are submitted)."""
    assert tex.plain(written) == written
    with pytest.raises(tex.Unreadable):
        tex.html(written)


def notebook_formulas():
    """(inline, display): the TeX of every formula in the package's notebooks."""
    inline, display = [], []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            for part in pdf.segments("".join(cell["source"])) if cell["cell_type"] == "markdown" else ():
                inline += part[2] if part[0] == "markdown" else []
                display += [part[1]] if part[0] == "math" else []
    return inline, display


#: LaTeX as students write it in answers
ANSWER_TEX = [r"\frac{1}{N}\sum_{i} L_i", r"\tfrac12 \|W\|^2", r"\|x\|_2 \le 1", r"\mathbf{x}^\top \mathbf{w}",
              r"\text{loss} = 0", r"\left( \frac{a}{b} \right)^2", r"\begin{aligned} a &= b \\ c &= d \end{aligned}",
              r"\sqrt{x^2 + 1}", r"\hat{y}_i", r"\mathbb{R}^{D}", r"\operatorname{softmax}(z)", r"\lVert W \rVert_F",
              r"\begin{cases} 0 & x < 0 \\ x & \text{else} \end{cases}", r"\dfrac{\partial L}{\partial W}",
              r"\mathrm{KL}(p \,\|\, q)", r"\nabla_W L = X^\top (P - Y)"]


def test_every_formula_of_the_notebooks_and_of_answers_is_drawn_or_written_without_command_names(tmp_path):
    """Each formula inline (in a sentence) and displayed: no command name is left in the PDF's text (before,
    the two-layer notebook's introduction read "tfrac12λ (textstyleΣ W12 + Σ W22)"), and every display
    formula is drawn by ziamath, none left as TeX."""
    from pypdf import PdfReader
    inline, display = notebook_formulas()
    assert len(inline) > 50 and len(display) >= 4
    formulas = inline + display + ANSWER_TEX
    cells = [markdown(f"Formula {k}: ${t}$ and\n\n$${t}$$") for k, t in enumerate(formulas)]
    pdf.write(tmp_path / "f.pdf", [("n.ipynb", {"cells": cells})], {}, [], [])
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "f.pdf").pages)
    names = {name for t in formulas for name in re.findall(r"\\([A-Za-z]+)", t)} - tex.FUNCTIONS
    assert {"tfrac", "textstyle", "mathbf", "left", "right", "frac", "text", "begin"} <= names
    assert [name for name in sorted(names) if re.search(rf"(?<![A-Za-z]){name}(?![A-Za-z])", text)] == []
    assert "\\" not in text and "$" not in text
    assert [t for t in display + ANSWER_TEX if pdf.math_image(t) is None] == []


def test_segments_split_display_math_and_leave_code_alone():
    parts = pdf.segments("a $x_1$ and `$y$` then\n$$\\sum_i x_i$$\nafter $z$")
    assert parts == [("markdown", "a \ue0000\ue001 and `$y$` then\n", ["x_1"]), ("math", "\\sum_i x_i"),
                     ("markdown", "\nafter \ue0000\ue001", ["z"])]


def test_what_cannot_be_drawn_stays_readable(tmp_path):
    """TeX that ziamath cannot read, or an environment it would drop, is shown as written; an image as
    its alt text; a table's cells as their text."""
    from pypdf import PdfReader
    nb = {"cells": [markdown("$$\\frac{a}$$"), markdown("$$\\begin{foo} a \\end{foo}$$"),
                    markdown("Inline $\\frac{b}$ too."), markdown("![a plot](plot.png)"),
                    markdown("| loss | value |\n|---|---|\n| *mean* $L_i$ | `2.30` |\n")]}
    pdf.write(tmp_path / "m.pdf", [("n.ipynb", nb)], {}, [], [])
    reader = PdfReader(tmp_path / "m.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    for written in ("$$\\frac{a}$$", "$$\\begin{foo} a \\end{foo}$$", "Inline $\\frac{b}$ too.", "[image: a plot]",
                    "mean Li", "2.30"):
        assert squeeze(written) in squeeze(text), written
    assert not [image for page in reader.pages for image in page.images]


def test_a_cell_fpdf2_refuses_and_an_unreadable_figure_are_shown_as_text(tmp_path, monkeypatch):
    from fpdf import FPDF
    from pypdf import PdfReader

    def refuses(self, html, **kwargs):
        raise NotImplementedError("Unsupported nested HTML tags")
    monkeypatch.setattr(FPDF, "write_html", refuses)
    nb = {"cells": [markdown("An answer with $x_i$ in it."),
                    code("plot()", [{"output_type": "display_data", "data": {"image/png": "bm90IGEgcG5n"}}])]}
    pdf.write(tmp_path / "r.pdf", [("n.ipynb", nb)], {}, [], [])
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "r.pdf").pages)
    assert "An answer with $x_i$ in it." in text and "[a figure that cannot be read:" in text


def test_an_operator_name_after_another_is_drawn_with_texs_thin_space():
    """ziamath set the two-layer notebook's "-\\log \\operatorname{softmax}" as "logsoftmax"."""
    widths = [pdf.math_image(t)[1] for t in (r"-\log \operatorname{softmax}(z)", r"-\log\,\operatorname{softmax}(z)",
                                              r"-\log\operatorname{softmax}(z)")]
    assert widths[0] == pytest.approx(widths[1]) and widths[2] == pytest.approx(widths[1])


def test_a_cover_longer_than_a_page_still_gives_the_right_pages(tmp_path):
    """Many warnings push the cover onto a second page: the outline and the cover's page numbers follow
    (before, fpdf2 failed with AttributeError while it renumbered the pages, and no PDF was written)."""
    from pypdf import PdfReader
    out = tmp_path / "out.pdf"
    warnings = [f"notebooks/a.ipynb: cell {k} has not run: run the notebook again" for k in range(80)]
    pages = pdf.write(out, [("notebooks/a.ipynb", NOTEBOOK)], {"x.py": "cd" * 32}, ["[ok] x (x.py)"], warnings)
    reader = PdfReader(out)
    texts = [page.extract_text() for page in reader.pages]
    assert pages == len(reader.pages) and "cell 79 has not run" in texts[1]
    cover = " ".join((texts[0] + texts[1]).split())
    for item in _flatten(reader.outline):
        page = reader.get_destination_page_number(item)
        assert f"{item.title} page {page + 1}" in cover
        if ": " in item.title:
            assert texts[page].strip().split("\n")[0] == item.title.split(": ")[1]
