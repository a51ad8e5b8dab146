"""README.md and docs/*.md: the figures and units they state match the files they describe, the README stays
short and its figures are the measured ones of docs/, and every relative link leads somewhere."""
import re

import cifar10_data
from conftest import ROOT

#: the README's most lines: what the package is, the two commands, the figures and where to read on
README_LINES = 150
FENCED = re.compile(r"^```.*?^```", re.M | re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def documents():
    """README.md and every page of docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def unwrapped(name):
    """The text of README.md or a page of docs/ (``docs/x.md``), its lines joined by single spaces."""
    return " ".join((ROOT / name).read_text().split())


def test_memory_and_sizes_are_in_one_unit_mb_of_a_million_bytes():
    units = [f"{p.name}: {unit}" for p in documents() for unit in ("MiB", "KiB") if unit in unwrapped(p)]
    assert units == []
    tarball_mb = round(170498071 / 1e6)                    # cifar-10-python.tar.gz, from its official site
    assert f"CIFAR-10 ({tarball_mb} MB)" in unwrapped("README.md")
    sample_mb = cifar10_data.SAMPLE_PATH.stat().st_size / 1e6
    assert f"The bundled sample is {sample_mb:.1f} MB" in unwrapped("docs/command-line.md")


def test_the_count_of_exercises_is_the_definitions():
    from assignment_checks.exercises import EXERCISES, counted
    assert counted() == f"{len(EXERCISES)} exercises in {len({e.path for e in EXERCISES})} files"
    assert f"as `make check` counts them: {counted().replace(' exercises', '')})" in unwrapped("docs/instructors.md")


def test_the_readme_is_short_and_links_every_page_of_docs():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= README_LINES
    pages = [p.relative_to(ROOT).as_posix() for p in documents()[1:]]
    assert pages and [page for page in pages if f"]({page})" not in readme] == []


def figures(text):
    """The numbers of a text as written: 0.4132, 16.1, 12.5x, 49,000."""
    return re.findall(r"\d[\d,]*(?:\.\d+)?x?", text)


def test_the_readmes_figures_are_those_measured_in_docs():
    """Each number of the README's table of figures is written in docs/ too, where it was measured."""
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Figures", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[2] for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    docs = " ".join(unwrapped(p) for p in documents()[1:])
    assert rows and [f for row in rows for f in figures(row) if f not in figures(docs)] == []


def anchor(heading):
    """GitHub's anchor of a heading: lowercase, punctuation dropped (not hyphens or underscores), spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path):
    """Every anchor of a markdown file's headings (outside code blocks), numbered as GitHub numbers repeats."""
    found = []
    for line in FENCED.sub("", path.read_text()).splitlines():
        if re.match(r"#{1,6} ", line):
            name = anchor(line.lstrip("#"))
            found.append(name if name not in found else f"{name}-{sum(a == name for a in found)}")
    return found


def broken_links(path):
    """The relative links of a markdown file whose file or #anchor does not exist."""
    broken = []
    for target in LINK.findall(FENCED.sub("", path.read_text())):
        if re.match(r"[a-z]+:", target):                 # https:, mailto:: not this repository's
            continue
        name, _, fragment = target.partition("#")
        linked = (path.parent / name).resolve() if name else path
        if not linked.exists() or (fragment and (linked.suffix != ".md" or fragment not in anchors(linked))):
            broken.append(f"{path.relative_to(ROOT)}: {target}")
    return broken


def test_github_anchors():
    assert anchor("The two-layer network: `train --model two-layer`") == "the-two-layer-network-train---model-two-layer"
    assert anchor("CS231n's own notebooks") == "cs231ns-own-notebooks"
    assert anchor("## Where students work: Colab, check cells".lstrip("#")) == "where-students-work-colab-check-cells"


def test_every_relative_link_leads_to_a_file_and_heading_that_exist():
    links = [target for p in documents() for target in LINK.findall(p.read_text())]
    assert len(links) > len(documents())
    assert [broken for p in documents() for broken in broken_links(p)] == []
