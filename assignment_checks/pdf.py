"""The PDF of a hand-in, for the graders who read the inline answers.

A cover page (a line for the student's name and ID, the contents with page numbers, the warnings,
such as a notebook not run to the end, the check verdicts, and the files handed in with their
sha256), then every notebook in order: its markdown (the questions and the answers), its code and
its outputs (printed text, errors and figures). Each notebook and each inline question (as
assignment_checks/exercises/notebooks.py reads them) starts on a new page and has an entry in the PDF's
outline, and an answer cell has a bar in the margin.

Made with fpdf2, markdown-it-py and ziamath in plain Python: no LaTeX and no browser, so it works
offline, on Colab and on a laptop. The text fonts are the DejaVu fonts that matplotlib ships.
Display math ($$ ... $$) is drawn by ziamath in its own math font (STIX Two Math); inline math
($ ... $) becomes text with its subscripts and superscripts (assignment_checks/tex.py), so that it can be
searched. TeX that neither can write is shown as written. Long lines are wrapped, never cut.
"""
import base64
import html
import io
import re
import warnings
from pathlib import Path

from softmax_safeguards.atomic_write import atomic_write

from . import tex
from .exercises import notebooks

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PLACEHOLDER = "\ue000{}\ue001"
MARGIN, TEXT_PT, CODE_PT, LINE = 15, 10.5, 8.5, 4.2          # mm, points, points, mm per code line
PX_MM, PT_MM = 25.4 / 96, 25.4 / 72                           # a figure's pixel at 96 dpi, a point, in mm
BLUE = (31, 58, 104)
#: ziamath sets an operator name right after another with no space ("logsoftmax"): TeX puts a thin one
OPERATOR_PAIR = re.compile(r"(\\([A-Za-z]+)\s*)(?=\\(?:operatorname|mathrm)(?![A-Za-z]))")


def inline_math(written):
    """HTML for fpdf2 of the inline math ``written`` (assignment_checks/tex.py); where it cannot be written as text,
    the TeX as written, between its dollars."""
    try:
        return tex.html(written)
    except tex.Unreadable:
        return html.escape(f"${written}$", quote=False)


def segments(markdown):
    """The markdown of a cell split at its display math: [("markdown", text, [inline tex]), ("math", tex), ...].

    In a markdown part, inline math is replaced by numbered placeholders (so that the markdown
    parser leaves its _ and * alone) and listed in order; math inside code is left as it is.
    """
    parts, out, inline, last = [], [], [], 0
    for match in tex.MATH.finditer(markdown):
        code, display, written = match.groups()
        out.append(markdown[last:match.start()])
        last = match.end()
        if code is not None:
            out.append(code)
        elif written is not None:
            out.append(PLACEHOLDER.format(len(inline)))
            inline.append(" ".join(written.split("\n")))
        else:
            parts += [("markdown", "".join(out), inline), ("math", " ".join(display.split()))]
            out, inline = [], []
    parts.append(("markdown", "".join(out + [markdown[last:]]), inline))
    return [p for p in parts if p[0] == "math" or p[1].strip()]


def markdown_html(text, inline):
    """HTML of the markdown ``text`` with its placeholders replaced by ``inline``'s math.

    Images become their alt text in brackets: the PDF is made offline and reads no other file.
    A table cell keeps its text without markup (fpdf2 draws no tags inside one).
    """
    from markdown_it import MarkdownIt
    rendered = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    rendered = re.sub(r'<img [^>]*?alt="([^"]*)"[^>]*>', r"[image: \1]", rendered)
    rendered = re.sub("\ue000(\\d+)\ue001", lambda m: inline_math(inline[int(m.group(1))]), rendered)
    return re.sub(r"(<t[dh](?:\s[^>]*)?>)(.*?)(</t[dh]>)", lambda m: m.group(1) + re.sub(r"<[^>]+>", "", m.group(2))
                  + m.group(3), rendered, flags=re.S)


def math_image(written):
    """(SVG bytes, width mm, height mm) of the display math ``written``, drawn by ziamath in its own
    math font; None where it cannot be drawn (TeX it does not read, an environment it would drop)."""
    environments = re.findall(r"\\begin\s*\{([^{}]*)\}", written)
    written = OPERATOR_PAIR.sub(lambda m: m.group(1) + ("\\," if m.group(2) in tex.FUNCTIONS else ""), written)
    if any(name not in tex.ENVIRONMENTS for name in environments):
        return None
    with warnings.catch_warnings():             # ziamath finds its font with a deprecated importlib call
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath
        try:
            svg = ziamath.Latex(written, size=TEXT_PT + 1.5).svg()
        except Exception:           # noqa: BLE001 - ziamath and latex2mathml raise many kinds on TeX they cannot read
            return None
    width, height = (float(re.search(f'{name}="([0-9.]+)', svg).group(1)) for name in ("width", "height"))
    return svg.encode(), width * PT_MM, height * PT_MM


def output_text(text):
    """Printed text as a terminal shows it: colours dropped, a line rewritten with \\r kept as last written,
    tabs expanded."""
    lines = ANSI.sub("", text).split("\n")
    return "\n".join(line.rstrip("\r").split("\r")[-1].expandtabs() for line in lines).rstrip("\n")


def _fpdf():
    """An FPDF whose outline holds only the sections this module starts (a notebook, an inline question)."""
    from fpdf import FPDF

    class Outlined(FPDF):
        def start_section(self, name, level=0, strict=True):
            if strict:                          # write_html starts one per heading, with strict=False
                super().start_section(name, level, strict)
    return Outlined(format="A4", unit="mm")


class Document:
    """An fpdf2 document with the fonts, and the few kinds of blocks, that a notebook needs."""

    def __init__(self):
        import matplotlib
        self.pdf = pdf = _fpdf()
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN)
        fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        for style, suffix in (("", ""), ("B", "-Bold"), ("I", "-Oblique"), ("BI", "-BoldOblique")):
            pdf.add_font("Sans", style, fonts / f"DejaVuSans{suffix}.ttf")
            pdf.add_font("Mono", style, fonts / f"DejaVuSansMono{suffix}.ttf")
        self.footer_text = ""
        pdf.footer = self._footer

    def _footer(self):
        pdf = self.pdf
        pdf.set_y(-MARGIN + 4)
        pdf.set_font("Sans", "", 8)
        pdf.set_text_color(120)
        pdf.cell(0, 4, f"{self.footer_text}    page {pdf.page_no()}", align="R")
        pdf.set_text_color(0)

    def text(self, text, size=TEXT_PT, style="", color=0, font="Sans"):
        self.pdf.set_font(font, style, size)
        self.pdf.set_text_color(color)
        self.pdf.set_x(self.pdf.l_margin)
        self.pdf.multi_cell(0, size * 0.45, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(0)

    def markdown(self, markdown):
        """A markdown cell: its text through write_html, its display math as images."""
        pdf = self.pdf
        for part in segments(markdown):
            if part[0] == "math":
                self.formula(part[1])
                continue
            pdf.set_font("Sans", "", TEXT_PT)
            try:
                pdf.write_html(markdown_html(part[1], part[2]), font_family="Sans", tag_styles=self._styles())
            except Exception:           # noqa: BLE001 - fpdf2 refuses some nestings of tags: show the text as written
                self.text(re.sub("\ue000(\\d+)\ue001", lambda m: f"${part[2][int(m.group(1))]}$", part[1]))
        pdf.ln(1)

    def _styles(self):
        from fpdf import FontFace, TextStyle
        heading = dict(color="#1f3a68", b_margin=1, t_margin=3, font_family="Sans", font_style="B")
        return {"code": FontFace(family="Mono", size_pt=TEXT_PT - 1),
                "pre": TextStyle(font_family="Mono", font_size_pt=CODE_PT, t_margin=2, b_margin=2),
                "h1": TextStyle(font_size_pt=17, **heading), "h2": TextStyle(font_size_pt=14, **heading),
                "h3": TextStyle(font_size_pt=12.5, **heading), "h4": TextStyle(font_size_pt=11.5, **heading)}

    def formula(self, written):
        """Display math, centred: ziamath's drawing, or where it cannot draw it, the TeX as written."""
        drawn = math_image(written)
        if drawn is None:
            self.text(f"$${written}$$", CODE_PT, font="Mono")
            return
        svg, width, height = drawn
        scale = min(1.0, self.pdf.epw / width)
        self.pdf.ln(1)
        self.pdf.image(io.BytesIO(svg), x="C", w=width * scale, h=height * scale, alt_text=written)
        self.pdf.ln(1)

    def code(self, text, label):
        """A code cell's source on grey, with its execution count as Jupyter shows it."""
        self.text(label, size=7.5, color=110, font="Mono")
        self.pdf.set_fill_color(242, 242, 242)
        self.pdf.set_font("Mono", "", CODE_PT)
        self.pdf.multi_cell(0, LINE, text.expandtabs(4) or " ", fill=True, align="L", new_x="LMARGIN",
                            new_y="NEXT")
        self.pdf.ln(1)

    def figure(self, png):
        """A PNG output at 96 dpi, made smaller where it would not fit the page's width or height."""
        from PIL import Image
        try:
            width, height = (n * PX_MM for n in Image.open(io.BytesIO(png)).size)
        except (OSError, ValueError) as exc:                  # a figure that is not a readable PNG
            self.text(f"[a figure that cannot be read: {exc}]", CODE_PT, color=(170, 0, 0))
            return
        scale = min(1.0, self.pdf.epw / width, (self.pdf.eph - 10) / height)
        self.pdf.image(io.BytesIO(png), w=width * scale, h=height * scale)
        self.pdf.ln(1)

    def outputs(self, cell):
        """A code cell's outputs: printed text, results (a figure, else text), errors with their traceback."""
        for out in cell.get("outputs", []):
            kind, data = out.get("output_type"), out.get("data", {})
            if kind == "stream":
                self.text(output_text(notebooks.source({"source": out.get("text", "")})), CODE_PT, font="Mono",
                          color=(170, 0, 0) if out.get("name") == "stderr" else 0)
            elif kind in ("execute_result", "display_data") and "image/png" in data:
                png = data["image/png"]
                self.figure(base64.b64decode("".join(png) if isinstance(png, list) else png))
            elif kind in ("execute_result", "display_data") and "text/plain" in data:
                self.text(output_text(notebooks.source({"source": data["text/plain"]})), CODE_PT, font="Mono")
            elif kind == "error":
                trace = "\n".join(out.get("traceback") or [f"{out.get('ename')}: {out.get('evalue')}"])
                self.text(output_text(trace), CODE_PT, font="Mono", color=(170, 0, 0))

    def mark(self, start):
        """A bar in the left margin from ``start`` ((page, y)) to here, across pages: an answer."""
        pdf, (page, y), here = self.pdf, start, (self.pdf.page, self.pdf.get_y())
        pdf.set_draw_color(40, 110, 200)
        pdf.set_line_width(0.8)
        for p in range(page, here[0] + 1):
            pdf.page = p
            top = y if p == page else pdf.t_margin
            bottom = here[1] if p == here[0] else pdf.h - pdf.b_margin
            pdf.line(MARGIN - 4, top, MARGIN - 4, bottom)
        pdf.page = here[0]
        pdf.set_draw_color(0)
        pdf.set_line_width(0.2)


def notebook(doc, path, nb):
    """Every cell of the notebook ``nb`` (a dict) stored at ``path``, from a new page; each inline question
    (assignment_checks/exercises/notebooks.py reads which cells they are) from a page of its own, a bar beside
    each answer."""
    pdf = doc.pdf
    new_page(pdf)                          # the page after the cover is still empty
    doc.footer_text = path                 # from this page on: the previous page's footer is drawn by add_page
    pdf.start_section(path, level=0)
    doc.text(path, size=15, style="B", color=BLUE)
    pdf.ln(2)
    cells = [cell for cell in nb.get("cells", []) if isinstance(cell, dict)]
    asked = notebooks.questions(cells)
    starts = {q.question_cell: q for q in asked}
    answers = {q.answer_cell for q in asked}
    for k, cell in enumerate(cells):
        text = notebooks.source(cell)
        if k in starts:
            new_page(pdf)
            pdf.start_section(f"{path}: {starts[k].name}", level=1)
        if cell.get("cell_type") == "markdown":
            start = (pdf.page, pdf.get_y())
            doc.markdown(text)
            if k in answers:
                doc.mark(start)
        elif cell.get("cell_type") == "code":
            count = cell.get("execution_count")
            doc.code(text, f"In [{count if count is not None else ' '}]:")
            doc.outputs(cell)


def new_page(pdf):
    """A new page, unless nothing is drawn on this one yet."""
    if pdf.get_y() > pdf.t_margin:
        pdf.add_page()


def cover(doc, files, verdicts, warnings, drawn):
    """The cover's contents, drawn when the whole document is known (the outline gives the page numbers);
    the number of pages it took is appended to ``drawn``."""
    def render(pdf, outline):
        pages = {pdf.page}          # pages a long cover adds come at the document's end: count them apart

        def line(text, **style):
            doc.text(text, **style)
            pages.add(pdf.page)
        pdf.set_xy(MARGIN, MARGIN)
        line("Hand-in: the notebooks and their answers", size=17, style="B", color=BLUE)
        pdf.ln(4)
        pdf.set_font("Sans", "", 11)
        for label, width in (("Name", 95), ("Student ID", 45)):          # a line to write on, for each
            pdf.cell(pdf.get_string_width(label + ": ") + 1, 7, label + ": ")
            pdf.line(pdf.get_x(), pdf.get_y() + 6, pdf.get_x() + width, pdf.get_y() + 6)
            pdf.set_x(pdf.get_x() + width + 6)
        pdf.ln(12)
        line("Contents", size=12.5, style="B")
        for section in outline:
            line(f"{'        ' * section.level}{section.name}    page {section.page_number}", size=9.5)
        pdf.ln(2)
        line("Warnings" if warnings else "Warnings: none", size=12.5, style="B")
        for warning in warnings:
            line(f"- {warning}", size=9.5, color=(170, 0, 0))
        pdf.ln(2)
        line("Checks (make check)", size=12.5, style="B")
        for verdict in verdicts:
            line(verdict, size=8.5, font="Mono")
        pdf.ln(2)
        line("Files handed in, with their sha256", size=12.5, style="B")
        for path, digest in sorted(files.items()):
            line(f"{digest}  {path}", size=7, font="Mono")
        drawn.append(len(pages))
    return render


def write(out, books, files, verdicts, warnings):
    """Write the PDF of a hand-in to ``out``, atomically: a PDF already there stays whole if this fails.

    Inputs:
    - out: the path of the PDF to write (a str or Path).
    - books: [(path, notebook)], the notebooks in the order a student works, each a dict
      as json.load gives it, with its outputs.
    - files: {path: sha256} of every file handed in (MANIFEST.json's "files").
    - verdicts: the check lines, as `make check` starts them ("[ok] NAME (FILE)").
    - warnings: lines for the student and the grader (a notebook not run to the end, ...).
    Returns the number of pages.
    """
    from fpdf.errors import FPDFException
    pages, extra = 1, True      # a long cover first gets pages added, then is drawn again on as many
    while True:
        drawn = []
        doc = Document()
        doc.pdf.set_title("Hand-in: the notebooks and their answers")
        doc.pdf.add_page()
        doc.pdf.insert_toc_placeholder(cover(doc, files, verdicts, warnings, drawn), pages=pages,
                                       allow_extra_pages=extra)
        for path, nb in books:
            notebook(doc, path, nb)
        try:
            written = doc.pdf.output()
        except FPDFException as error:
            if "too many" not in str(error):
                raise
            pages += 1          # the page numbers, one digit longer, took one more page
            continue
        if drawn[0] <= pages:
            break
        pages, extra = drawn[0], False
    with atomic_write(out) as f:
        f.write(written)
    return doc.pdf.pages_count
