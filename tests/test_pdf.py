"""The hand-in's PDF (checks/pdf.py), read back with pypdf: text, pages, figures, outline and cover."""
import base64
import io
import re

import pytest
from PIL import Image

from checks import pdf

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
    code(f"print('{'x' * 250}')", [{"output_type": "stream", "name": "stdout",
                                     "text": f"\x1b[31m{LONG}\x1b[0m\nsecond line\nprogress 10%\rprogress 100%\n"
                                             "a\tb\n"}]),
    code("plot()", [{"output_type": "display_data", "data": {"image/png": png(123, 45), "text/plain": "<Figure>"}}]),
    code("fail()", [{"output_type": "error", "ename": "ValueError", "evalue": "bad",
                     "traceback": ["\x1b[0;31mValueError\x1b[0m: bad input here"]}], count=3),
    markdown("**Inline Question 2**\n\nTrue or false: the margin matters.\n\n"
             "$\\color{blue}{\\textit Your Answer:}$ true, the margin moves the kink."),
    code("x = 1", count=None),
]}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    from pypdf import PdfReader
    out = tmp_path_factory.mktemp("pdf") / "out.pdf"
    pages = pdf.write(out, [("notebooks/a.ipynb", NOTEBOOK)], {"notebooks/a.ipynb": "ab" * 32, "x.py": "cd" * 32},
                      ["[ok] softmax_loss_naive (classifiers/softmax.py)", "[FAIL] svm_loss_naive (x.py)"],
                      ["notebooks/b.ipynb was not run: run it"])
    reader = PdfReader(out)
    assert pages == len(reader.pages)
    return reader, [page.extract_text() for page in reader.pages]


def squeeze(text):
    return re.sub(r"\s+", "", text)


def test_text_holds_questions_answers_code_and_outputs_with_long_lines_whole(written):
    _, texts = written
    text = squeeze("".join(texts))
    for expected in ("Why is the loss close to", "Because every class gets probability one tenth at the start",
                     "True or false: the margin matters.", "true, the margin moves the kink.", "line_24 = 24",
                     f"print('{'x' * 250}')", LONG, "second line", "ValueError: bad input here", "In [3]:"):
        assert squeeze(expected) in text, expected
    assert "[31m" not in text and "\x1b" not in text           # terminal colours are not text
    assert "progress100%" in text and "progress10%" not in text   # a line rewritten with \r, as last written
    assert "a       b" in "".join(texts)                          # a tab as the terminal shows it


def test_each_inline_question_starts_a_page(written):
    _, texts = written
    starts = [k for k, t in enumerate(texts) if re.match(r"\s*Inline question", t, re.I)]
    assert [texts[k].split("\n")[0].strip() for k in starts] == ["Inline question 1", "Inline Question 2"]
    assert starts[0] > 1 and starts[1] > starts[0]       # after the cover and the notebook's first page


def test_figures_and_display_math_are_images(written):
    reader, _ = written
    sizes = [image.image.size for page in reader.pages for image in page.images]
    assert (123, 45) in sizes and len(sizes) == 2        # the figure, and the formula drawn by mathtext


def test_outline_and_cover_give_the_pages_of_notebooks_and_questions(written):
    reader, texts = written
    titles = [(item.title, reader.get_destination_page_number(item)) for item in _flatten(reader.outline)]
    assert [t for t, _ in titles] == ["notebooks/a.ipynb", "notebooks/a.ipynb: Inline question 1",
                                      "notebooks/a.ipynb: Inline question 2"]
    cover = texts[0]
    for title, page in titles:
        assert f"{title} page {page + 1}" in " ".join(cover.split())
    assert "ab" * 32 + " notebooks/a.ipynb" in " ".join(cover.split())
    assert "[FAIL] svm_loss_naive (x.py)" in cover and "notebooks/b.ipynb was not run: run it" in cover


def _flatten(outline):
    for item in outline:
        yield from _flatten(item) if isinstance(item, list) else [item]


@pytest.mark.parametrize("tex, html", [
    (r"-\log p_{y_i}", "<i>-log p<sub>y_i</sub></i>"),
    (r"\lambda \sum W^2", "<i>λ Σ W<sup>2</sup></i>"),
    (r"\text{nll} = -\log p_y", "<i>nll = -log p<sub>y</sub></i>"),
    (r"\color{blue}{\textit Your Answer:}", "<i>Your Answer:</i>"),
    (r"\frac{a}{b} < 1", "<i>(a)/(b) &lt; 1</i>"),
    (r"\mathrm{softmax}(z)_k", "<i>softmax(z)<sub>k</sub></i>"),
])
def test_inline_math_reads_as_text(tex, html):
    assert pdf.inline_math(tex) == html


def test_segments_split_display_math_and_leave_code_alone():
    parts = pdf.segments("a $x_1$ and `$y$` then\n$$\\sum_i x_i$$\nafter $z$")
    assert parts == [("markdown", "a \ue0000\ue001 and `$y$` then\n", ["x_1"]), ("math", "\\sum_i x_i"),
                     ("markdown", "\nafter \ue0000\ue001", ["z"])]


def test_what_fpdf2_or_mathtext_cannot_draw_stays_readable(tmp_path):
    from pypdf import PdfReader
    nb = {"cells": [markdown("$$\\begin{align} a &= \\beta \\end{align}$$"), markdown("![a plot](plot.png)"),
                    markdown("| loss | value |\n|---|---|\n| *mean* $L_i$ | `2.30` |\n")]}
    pdf.write(tmp_path / "m.pdf", [("n.ipynb", nb)], {}, [], [])
    reader = PdfReader(tmp_path / "m.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "β" in text and "[image: a plot]" in text and "mean Li" in text and "2.30" in text
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
