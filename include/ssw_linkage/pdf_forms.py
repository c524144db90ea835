"""Japanese A4 forms as PDF: a subset of Noto Sans JP embedded, so they print the same on any machine.

The font comes from the ``pylopdf-fonts-jp`` package (Noto Sans JP 2.004, SIL Open Font License 1.1,
which allows embedding). Every document is reproducible: its dates come from the caller, never the
clock, so the same content gives the same bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from fpdf import FPDF, FontFace
from fpdf.enums import WrapMode
from fpdf.fonts import TTFFont
from pylopdf_fonts_jp import sans_path

logging.getLogger("fontTools.subset").setLevel(logging.WARNING)  # it logs every font table at INFO

FONT = "NotoSansJP"
HEADING_FILL = (230, 230, 230)
BODY_SIZE = 9.5


def _skip_discarded_save(font: TTFFont) -> None:
    """fpdf2 embeds a CID-keyed OpenType font as its CFF table alone, compiled from the subset, but first
    serialises the whole subset font and throws that away (``fpdf.output``, ``_add_fonts``): about a third of
    a form's CPU time. That serialisation is skipped; the PDF's bytes are the same."""
    if font.is_cid_keyed and "CFF " in font.ttfont:
        font.ttfont.save = lambda file, reorderTables=True: None


class JapaneseForm(FPDF):
    """An A4 portrait form in Noto Sans JP, with its title in the metadata and ``n / N`` page numbers."""

    def __init__(self, title: str, moment: datetime, author: str = ""):
        super().__init__(orientation="P", unit="mm", format="A4")
        if moment.tzinfo is None:
            raise ValueError("naive datetime: a form's date needs a timezone")
        self.set_creation_date(moment)
        self.set_title(title)
        self.set_author(author)
        self.set_creator("ssw-linkage")
        self.set_lang("ja-JP")
        self.add_font(FONT, "", str(sans_path()))
        _skip_discarded_save(self.fonts[FONT.lower()])
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=16)
        self.add_page()
        self.set_font(FONT, size=BODY_SIZE)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="C")
        self.set_font(FONT, size=BODY_SIZE)

    def heading(self, text: str, size: float = 16) -> None:
        """A centred title line."""
        self.set_font(FONT, size=size)
        self.multi_cell(0, size * 0.55, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font(FONT, size=BODY_SIZE)

    def section(self, text: str) -> None:
        """A section title with a rule under it."""
        self.ln(2)
        self.set_font(FONT, size=11)
        self.cell(0, 6.5, text, border="B", new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)
        self.set_font(FONT, size=BODY_SIZE)

    def paragraph(self, text: str, size: float = BODY_SIZE, align: str = "L") -> None:
        """Wrapped text (any character may break a line, as Japanese needs)."""
        self.set_font(FONT, size=size)
        self.multi_cell(0, size * 0.5, text, align=align, wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=BODY_SIZE)

    def fields(self, rows: Sequence[tuple[str, str]], label_width: float = 0.25) -> None:
        """A two-column table: a shaded label, then its value."""
        with self.table(
            col_widths=(label_width, 1 - label_width),
            first_row_as_headings=False,
            text_align=("LEFT", "LEFT"),
            wrapmode=WrapMode.CHAR,
            line_height=5,
            padding=(1, 1.5),
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(label, style=FontFace(fill_color=HEADING_FILL))
                row.cell(value)
        self.ln(1)

    def grid(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        align: Sequence[str],
        size: float = BODY_SIZE,
    ) -> None:
        """A table with a shaded header row repeated on every page; ``align`` per column (LEFT, RIGHT, …)."""
        self.set_font(FONT, size=size)
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple(align),
            headings_style=FontFace(fill_color=HEADING_FILL),
            wrapmode=WrapMode.CHAR,
            line_height=size * 0.5,
            padding=(1, 1.2),
        ) as table:
            for cells in (headers, *rows):
                row = table.row()
                for text in cells:
                    row.cell(text)
        self.ln(1)
        self.set_font(FONT, size=BODY_SIZE)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
