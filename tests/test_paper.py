"""`render --format pdf --paper`: a 30-step diagram on landscape pages, through the real command line and Graphviz.

The PDFs are read back with pypdf: page sizes, the text of each page, and the size text is drawn at.
"""

from __future__ import annotations

import math
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from helpers import blueprintgen

sys.path.insert(0, str(Path(__file__).resolve().parent))
from blueprint_factory import blueprint_yaml  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
LANES = ("Customer", "Frontstage", "Backstage", "Support")
pytestmark = pytest.mark.slow   # many Graphviz runs per diagram


@pytest.fixture(scope="module")
def thirty(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("paper")
    (project / "thirty.yaml").write_text(blueprint_yaml(steps=30, seed=3, branching=0.2, looping=0.1, stages=5,
                                                        blueprint_id="thirty"))
    return project


def _render(project: Path, out: str, *options: str, file: str = "thirty.yaml") -> Path:
    result = blueprintgen("render", file, "-o", out, *options, cwd=project, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / out


def _step_lines(project: Path) -> list[str]:
    folder = _render(project, "svg")
    lines = []
    for group in ET.parse(folder / "thirty.svg").iter(f"{SVG}g"):
        if "step" in (group.get("class") or "").split():
            lines.extend(text.text for text in group.iter(f"{SVG}text") if text.text)
    assert len(lines) > 60
    return lines


def _text_sizes(page) -> list[tuple[float, str]]:
    """(size in points on the page, text) for each piece of text drawn on it."""
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append((size * math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1]), text.strip()))

    page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("paper, size", [("a4", (842, 595)), ("letter", (792, 612))])
def test_paper_gives_landscape_pages_with_every_step_the_lane_names_and_text_of_7pt(thirty, paper, size):
    folder = _render(thirty, paper, "--format", "pdf", "--paper", paper)
    reader = PdfReader(folder / "thirty.pdf")
    assert len(reader.pages) >= 4, f"{len(reader.pages)} page(s)"
    texts = []
    for number, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size, f"page {number}"
        text = page.extract_text()
        texts.append(text)
        shown = [lane for lane in LANES if lane in text]
        assert shown, f"page {number} names no lane: {text[:200]!r}"
        assert f"page {number} of {len(reader.pages)}" in text, f"page {number} has no caption: {text[:200]!r}"
        sizes = _text_sizes(page)
        assert min(points for points, _ in sizes) >= 7, f"page {number}: {min(sizes)}"
    everything = "\n".join(texts)
    missing = [line for line in _step_lines(thirty) if line not in everything]
    assert not missing, f"step text on no page: {missing}"
    # Left to right: the first page starts the journey (its first stage's name), the last pages end it.
    lines = _step_lines(thirty)
    assert "Discover" in texts[0] and lines[0] in texts[0] and lines[-1] in "\n".join(texts[-2:])


def test_without_paper_the_pdf_is_one_page_and_paper_output_is_deterministic(thirty):
    one = PdfReader(_render(thirty, "one", "--format", "pdf") / "thirty.pdf")
    assert len(one.pages) == 1
    first = (_render(thirty, "a3-first", "--format", "pdf", "--paper", "a3") / "thirty.pdf").read_bytes()
    again = (_render(thirty, "a3-again", "--format", "pdf", "--paper", "a3") / "thirty.pdf").read_bytes()
    assert first == again, "the same blueprint gave different PDFs"
    assert len(PdfReader(_render(thirty, "a3-first", "--format", "pdf", "--paper", "a3") / "thirty.pdf").pages) > 1


def test_paper_without_pdf_is_one_line_and_fails(thirty):
    result = blueprintgen("render", "thirty.yaml", "-o", "svg-paper", "--paper", "a4", cwd=thirty, timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == ["--paper a4: error: pages of paper are for PDF only (hint: add --format pdf)"], result.stderr
    assert "Traceback" not in result.stderr and not (thirty / "svg-paper" / "thirty.svg").exists()


def test_a_stage_name_with_markup_and_escapes_is_printed_as_written(tmp_path):
    name = 'Wait \\N & <b>"chase"</b> &amp;'
    text = blueprint_yaml(steps=6, seed=2, stages=2, blueprint_id="odd").replace("- Discover", f"- '{name}'", 1)
    text = text.replace("stage: Discover", f"stage: '{name}'")
    (tmp_path / "odd.yaml").write_text(text)
    pdf = PdfReader(_render(tmp_path, "out", "--format", "pdf", "--paper", "a4", file="odd.yaml") / "odd.pdf")
    assert f"Stages: {name}" in pdf.pages[0].extract_text(), pdf.pages[0].extract_text()[:300]
