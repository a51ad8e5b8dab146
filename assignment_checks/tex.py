"""TeX math written as text: how the hand-in's PDF shows inline math, and what an answer's math says.

``html(tex)`` gives HTML for fpdf2's write_html (symbols as characters, ``_`` and ``^`` as <sub> and
<sup>, variables in italics, ``\\frac{a}{b}`` as a/b, ``\\|x\\|`` as ‖x‖, ``\\mathbf{x}`` in bold, an
aligned environment as its rows one after the other); ``plain(tex)`` the same characters without
markup. A command this module does not know keeps its backslash (``\\foo``): shown as written, never
dropped or turned into a word. Both are linear in the length of ``tex``: answers are submitted text.
"""
import html as _html
import re

#: code (left as it is), display math, and inline math, which may run over a line break within its
#: paragraph as Jupyter's renderer allows (not over a blank line)
MATH = re.compile(r"(```.*?```|`[^`\n]*`)|\$\$(.+?)\$\$|(?<![\\$])\$((?:[^$\n]|\n(?![ \t]*\n))+?)\$", re.S)
TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\s+|.", re.S)
#: commands written as the character they stand for
SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ",
    "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω", "sum": "Σ", "prod": "∏", "int": "∫", "oint": "∮", "partial": "∂", "nabla": "∇", "infty": "∞",
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆", "circ": "∘",
    "bullet": "•", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "ne": "≠", "neq": "≠", "ll": "≪", "gg": "≫", "approx": "≈", "sim": "∼", "simeq": "≃", "cong": "≅",
    "equiv": "≡", "propto": "∝", "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆",
    "supset": "⊃", "supseteq": "⊇", "cup": "∪", "cap": "∩", "setminus": "∖", "emptyset": "∅",
    "varnothing": "∅", "forall": "∀", "exists": "∃", "neg": "¬", "lnot": "¬", "land": "∧", "wedge": "∧",
    "lor": "∨", "vee": "∨", "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←",
    "leftrightarrow": "↔", "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⟹",
    "impliedby": "⟸", "iff": "⟺", "mapsto": "↦", "uparrow": "↑", "downarrow": "↓", "mid": "∣",
    "parallel": "∥", "perp": "⊥", "top": "⊤", "bot": "⊥", "intercal": "⊺", "prime": "′", "ell": "ℓ",
    "hbar": "ℏ", "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ", "angle": "∠", "triangle": "△", "square": "□",
    "ldots": "…", "dots": "…", "dotsc": "…", "dotsb": "⋯", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
    "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "vert": "|",
    "lvert": "|", "rvert": "|", "Vert": "‖", "lVert": "‖", "rVert": "‖", "|": "‖", "{": "{", "}": "}",
    "lbrace": "{", "rbrace": "}", "lbrack": "[", "rbrack": "]", "backslash": "\\", "%": "%", "$": "$",
    "_": "_", "#": "#", "&": "&", "checkmark": "✓", "dagger": "†", "deg": "°",
}
#: operators written upright, as their names
FUNCTIONS = {"log", "ln", "lg", "exp", "max", "min", "sup", "inf", "lim", "limsup", "liminf", "arg", "argmax",
             "argmin", "sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh", "arcsin", "arccos",
             "arctan", "det", "dim", "ker", "gcd", "Pr", "hom", "mod", "bmod"}
SPACES = {",": " ", ":": " ", ";": " ", ">": " ", " ": " ", "quad": "  ", "qquad": "    ", "enspace": " ",
          "thinspace": " ", "medspace": " ", "thickspace": " ", "!": "", "negthinspace": ""}
#: commands that change only how big or which style: the text is the same without them
SILENT = {"left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
          "biggr", "Biggl", "Biggr", "bigm", "Bigm", "textstyle", "displaystyle", "scriptstyle",
          "scriptscriptstyle", "limits", "nolimits", "nonumber", "notag", "displaylimits", "strut", "allowbreak"}
#: commands whose one argument is written in a style: (italic, bold, text mode)
FONTS = {"text": (False, False, True), "textrm": (False, False, True), "textnormal": (False, False, True),
         "textsf": (False, False, True), "texttt": (False, False, True), "mbox": (False, False, True),
         "hbox": (False, False, True), "textit": (True, False, True), "emph": (True, False, True),
         "textbf": (False, True, True), "mathrm": (False, False, False), "operatorname": (False, False, False),
         "operatorname*": (False, False, False), "mathsf": (False, False, False), "mathtt": (False, False, False),
         "mathit": (True, False, False), "mathbf": (False, True, False), "boldsymbol": (False, True, False),
         "bm": (False, True, False), "pmb": (False, True, False), "mathcal": (True, False, False),
         "mathscr": (True, False, False), "mathfrak": (False, False, False), "mathbb": (False, True, False)}
DOUBLE_STRUCK = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "H": "ℍ"}
#: accents as combining characters on each character of their argument
ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305", "tilde": "\u0303",
           "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308", "check": "\u030c",
           "breve": "\u0306", "acute": "\u0301", "grave": "\u0300", "mathring": "\u030a", "underline": "\u0332"}
#: environments: (opening, closing, between cells, between rows)
ENVIRONMENTS = dict.fromkeys(("aligned", "align", "align*", "alignat", "alignat*", "alignedat", "gather",
                              "gather*", "gathered", "split", "eqnarray", "eqnarray*", "equation",
                              "equation*", "multline", "multline*"), ("", "", " ", "; "))
ENVIRONMENTS.update({"cases": ("{ ", "", ", ", "; "), "dcases": ("{ ", "", ", ", "; "),
                     "matrix": ("", "", ", ", "; "), "smallmatrix": ("", "", ", ", "; "),
                     "array": ("", "", ", ", "; "), "pmatrix": ("(", ")", ", ", "; "),
                     "bmatrix": ("[", "]", ", ", "; "), "Bmatrix": ("{", "}", ", ", "; "),
                     "vmatrix": ("|", "|", ", ", "; "), "Vmatrix": ("‖", "‖", ", ", "; ")})
#: a fraction's or root's argument is put in parentheses when it holds one of these
LOOSE = set(" +-−=±∓,;<>≤≥/·×Σ∏∫")
MAX_DEPTH = 60
#: fractions of one digit over one digit written as one character
VULGAR = {("1", "2"): "½", ("1", "3"): "⅓", ("2", "3"): "⅔", ("1", "4"): "¼", ("3", "4"): "¾", ("1", "5"): "⅕",
          ("1", "6"): "⅙", ("1", "8"): "⅛"}
#: a fraction before an atom starting with one of these is put in parentheses: (1/N)Σ, not 1/NΣ
JUXTAPOSED = set("(ΣΠ∏∫∂∇√[{|‖")


class Unreadable(ValueError):
    """TeX this module cannot write as text (braces that do not match, an unknown environment)."""


def runs(tex):
    """[(text, italic, bold, position)] of the TeX ``tex``: position "", "sub" or "sup". Unreadable where
    it cannot be written as text."""
    depth = 0
    for char in tex:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth > MAX_DEPTH:
            raise Unreadable("nested too deeply")
    tokens = TOKEN.findall(tex)
    parser = _Parser(tokens)
    try:
        atoms = parser.sequence(stop=None)
    except RecursionError:                       # \frac\frac\frac...: arguments nested without braces
        raise Unreadable("nested too deeply") from None
    if parser.at < len(tokens):
        raise Unreadable("a } without its {")
    return _merge([run for atom in atoms for run in atom])


def plain(tex):
    """The text of the TeX ``tex`` without markup (a sub- or superscript as its characters); the TeX as
    written where it cannot be written as text."""
    try:
        return "".join(text for text, *_ in runs(tex))
    except Unreadable:
        return tex


def html(tex):
    """HTML for fpdf2 that reads as the TeX ``tex``, e.g. ``-\\log p_{y_i}``: ``-log <i>p</i><sub><i>y_i</i></sub>``.
    Raises Unreadable where it cannot be written as text."""
    out = []
    for text, italic, bold, position in runs(tex):
        text = _html.escape(text, quote=False)
        for on, tag in ((italic, "i"), (bold, "b"), (position, position)):
            text = f"<{tag}>{text}</{tag}>" if on else text
        out.append(text)
    return "".join(out).strip()


def _merge(found):
    """The runs ``found`` with neighbours of the same style joined (in linear time: answers are submitted)."""
    merged, texts = [], []
    for text, *style in found:
        if merged and merged[-1] == style:
            texts[-1].append(text)
        elif text:
            merged.append(style)
            texts.append([text])
    return [("".join(parts), *style) for parts, style in zip(texts, merged)]


def _rstrip(found):
    """Take the spaces that the runs ``found`` end with off them, in place; returns ``found``."""
    while found and not found[-1][0].strip():
        found.pop()
    if found:
        found[-1] = (found[-1][0].rstrip(),) + tuple(found[-1][1:])
    return found


def _text(atoms):
    return "".join(run[0] for atom in atoms for run in atom)


class _Fraction(list):
    """The runs of a fraction: parenthesised when an atom follows it without an operator, or a script."""

    def wrapped(self):
        return [("(", False, False, "")] + list(self) + [(")", False, False, "")]


class _Parser:
    """Reads tokens into atoms: an atom is a list of runs that a sub- or superscript attaches to."""

    def __init__(self, tokens):
        self.tokens, self.at = tokens, 0

    def next(self):
        if self.at >= len(self.tokens):
            raise Unreadable("the formula ends inside a command")
        self.at += 1
        return self.tokens[self.at - 1]

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def sequence(self, stop):
        """Atoms up to ``stop`` ("}", or an environment's end), which is consumed; None: to the end."""
        atoms = []
        while self.at < len(self.tokens):
            token = self.next()
            if token == stop:
                return atoms
            if token == "}":
                raise Unreadable("a } without its {")
            if token in ("^", "_", "'"):               # attached to the atom before, in place (linear time)
                base = atoms.pop() if atoms else []
                base = base.wrapped() if isinstance(base, _Fraction) else base
                base += [("′", False, False, "")] if token == "'" else [
                    (text, italic, bold, "sup" if token == "^" else "sub")
                    for text, italic, bold, _ in self.flat(self.argument())]
                atoms.append(base)
            else:
                atoms += self.atom(token)
        if stop is not None:
            raise Unreadable("a { without its }")
        return self.juxtapose(atoms)

    def juxtapose(self, atoms):
        """``atoms`` with each fraction that an atom follows without an operator in parentheses."""
        out = list(atoms)
        for k, atom in enumerate(atoms):
            if not isinstance(atom, _Fraction):
                continue
            after = next((atoms[j] for j in range(k + 1, len(atoms)) if _text([atoms[j]]).strip()), None)
            first = _text([after]).strip()[:1] if after else ""
            if first.isalnum() or first in JUXTAPOSED:
                out[k] = atom.wrapped()
        return out

    def flat(self, atoms):
        """The runs of ``atoms`` on one level: a script inside a script written with its _ or ^."""
        out = []
        for atom in atoms:
            for text, italic, bold, position in atom:
                mark = {"sub": "_", "sup": "^"}.get(position, "")
                out.append((mark + text, italic, bold, ""))
        return out

    def argument(self):
        """The atoms of one argument: a {group} or a single token."""
        token = self.next()
        while token.isspace():
            token = self.next()
        if token == "{":
            return self.sequence("}")
        return self.atom(token)

    def raw_argument(self):
        """The tokens of one argument as written (a colour's name, an environment's)."""
        token = self.next()
        while token.isspace():
            token = self.next()
        if token != "{":
            return token
        start, depth = self.at, 1
        while depth:
            token = self.next()
            depth += {"{": 1, "}": -1}.get(token, 0)
        return "".join(self.tokens[start:self.at - 1])

    def atom(self, token):
        """The atoms one token gives (a command reads its arguments)."""
        if token == "{":
            inner = self.sequence("}")
            return [[run for atom in inner for run in atom]] if inner else []
        if token.isspace() or token == "~":
            return [[(" ", False, False, "")]]
        if token in ("\\partial", "\\nabla") and (self.peek() or "x").isspace():
            self.at += 1                                # ∂L, not ∂ L
            return [[(SYMBOLS[token[1:]], False, False, "")]]
        if token == "&":
            return []
        if not token.startswith("\\"):
            return [[(token, token.isalpha(), False, "")]]
        return self.command(token[1:])

    def command(self, name):
        if name in SYMBOLS:
            return [[(SYMBOLS[name], False, False, "")]]
        if name in FUNCTIONS:
            return [[(name, False, False, "")]]
        if name in SPACES:
            return [[(SPACES[name], False, False, "")]]
        if name in SILENT:
            following = self.peek()
            if name in ("left", "right", "middle") and following == ".":
                self.at += 1
            return []
        if name in FONTS:
            return self.font(name)
        if name in ("frac", "tfrac", "dfrac", "cfrac"):
            top, bottom = self.argument(), self.argument()
            vulgar = VULGAR.get((_text(top).strip(), _text(bottom).strip()))
            if vulgar:
                return [[(vulgar, False, False, "")]]
            return [_Fraction(self.loose(top) + [("/", False, False, "")] + self.loose(bottom))]
        if name in ("binom", "tbinom", "dbinom"):
            top, bottom = self.argument(), self.argument()
            return [[("C(", False, False, "")] + self.flat(top) + [(", ", False, False, "")] + self.flat(bottom)
                    + [(")", False, False, "")]]
        if name == "sqrt":
            index = []
            if self.peek() == "[":
                self.at += 1
                while self.peek() not in ("]", None):
                    index += self.atom(self.next())
                self.next()
            body = self.argument()
            return [[(text, i, b, "sup") for text, i, b, _ in self.flat(index)] + [("√", False, False, "")]
                    + self.loose(body)]
        if name in ACCENTS:
            mark = ACCENTS[name]
            return [[("".join(c + mark for c in text), i, b, p) for text, i, b, p in self.flat(self.argument())]]
        return self.structure(name)

    def structure(self, name):
        """Commands with arguments to drop or to place: colours, phantoms, labels, over- and undersets,
        environments, \\not; any other command is written as it is, backslash and all."""
        if name == "color":
            self.raw_argument()
            return []
        if name in ("textcolor", "colorbox"):
            self.raw_argument()
            return [[run for atom in self.argument() for run in atom]]
        if name in ("phantom", "hphantom", "vphantom", "label"):
            self.raw_argument()
            return []
        if name == "tag":
            return [[("  (", False, False, "")] + self.flat(self.argument()) + [(")", False, False, "")]]
        if name in ("overset", "underset", "stackrel"):
            script, base = self.argument(), self.argument()
            position = "sub" if name == "underset" else "sup"
            return [self.flat(base) + [(t, i, b, position) for t, i, b, _ in self.flat(script)]]
        if name in ("underbrace", "overbrace", "boxed", "substack", "mathop", "mathbin", "mathrel"):
            return [[run for atom in self.argument() for run in atom]]
        if name in ("pmod",):
            return [[(" (mod ", False, False, "")] + self.flat(self.argument()) + [(")", False, False, "")]]
        if name == "not":
            following = self.atom(self.next())
            return [[(text + "\u0338", i, b, p) for atom in following for text, i, b, p in atom]]
        if name == "begin":
            return self.environment(self.raw_argument())
        if name == "\\":
            return [[("; ", False, False, "")]]
        written = [("\\" + name, False, False, "")]
        while self.peek() == "{":                       # an unknown command's arguments, braces and all
            self.next()
            inner = self.sequence("}")
            written += [("{", False, False, "")] + [run for atom in inner for run in atom] + [("}", False, False, "")]
        return [written]

    def font(self, name):
        italic, bold, text_mode = FONTS[name]
        if text_mode:
            written = self.raw_argument()
            written = re.sub(r"\\([{}_%$#&])", r"\1", written)
            return [[(written, italic, bold, "")]]
        inner = self.argument()
        out = []
        for text, _, _, position in (run for atom in inner for run in atom):
            if name == "mathbb":
                text = "".join(DOUBLE_STRUCK.get(c, c) for c in text)
            out.append((text, italic, bold, position))
        return [out]

    def loose(self, atoms):
        """The runs of a fraction's part: in parentheses where it holds more than one term."""
        found = [run for atom in atoms for run in atom]
        text = _text(atoms).strip()
        if LOOSE & set(text):
            return [("(", False, False, "")] + found + [(")", False, False, "")]
        return found

    def environment(self, name):
        if name not in ENVIRONMENTS:
            raise Unreadable(f"the environment {name} is not known here")
        opening, closing, cell, row = ENVIRONMENTS[name]
        if name in ("array", "alignat", "alignat*", "alignedat"):
            self.raw_argument()                         # the columns' layout, or their number
        out, last = [(opening, False, False, "")], []
        while True:
            token = self.next()
            if token == "\\end":
                self.raw_argument()
                break
            if token in ("&", "\\\\"):
                _rstrip(last).append((cell if token == "&" else row, False, False, ""))
            elif token.isspace():
                last += [] if not last or last[-1][0].endswith(" ") else [(" ", False, False, "")]
            else:
                self.at -= 1
                last += [run for atom in self.sequence_one() for run in atom]
        _rstrip(last)
        if last and last[-1][0] == row.strip():         # a \\ before \end adds no row
            last.pop()
            _rstrip(last)
        return [out + last + [(closing, False, False, "")]]

    def sequence_one(self):
        """The atoms of the next token inside an environment, with its scripts."""
        token = self.next()
        atoms = self.atom(token)
        while self.peek() in ("^", "_"):
            position = "sup" if self.next() == "^" else "sub"
            script = [(t, i, b, position) for t, i, b, _ in self.flat(self.argument())]
            if atoms:
                atoms[-1] += script
            else:
                atoms = [script]
        return atoms
