"""A PDF's text and fonts as PDFium (Chrome's PDF engine) reads them: independent of fpdf2, which writes them."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


def pages(pdf: bytes) -> list[str]:
    """Each page's text without spaces and line breaks."""
    document = pdfium.PdfDocument(pdf)
    return ["".join(page.get_textpage().get_text_range().split()) for page in document]


def text_of(path: Path) -> str:
    """A PDF file's text, all pages, without spaces and line breaks."""
    return "".join(pages(Path(path).read_bytes()))


def fonts(pdf: bytes) -> set[tuple[str, bool]]:
    """(base font name, embedded) of every text object."""
    found = set()
    for page in pdfium.PdfDocument(pdf):
        for text in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
            font = pdfium_c.FPDFTextObj_GetFont(text.raw)
            name = ctypes.create_string_buffer(256)
            pdfium_c.FPDFFont_GetBaseFontName(font, name, len(name))
            found.add((name.value.decode("ascii"), bool(pdfium_c.FPDFFont_GetIsEmbedded(font))))
    return found


def squeeze(text: str) -> str:
    """Text as ``pages`` gives it: no spaces or line breaks."""
    return "".join(text.split())
