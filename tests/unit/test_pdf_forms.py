"""``JapaneseForm`` skips fpdf2's serialisation of the whole subset font, which fpdf2 throws away: the PDF's
bytes are those fpdf2 writes without the shortcut, and PDFium reads its text in the embedded font."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pdf_text import fonts, pages, squeeze

from ssw_linkage import pdf_forms

TEXT = "特定技能外国人に係る情報提供 令和8年6月1日（2026-06-01） SHA-256 0123456789abcdef ｱｲｳ 髙橋"


def _form() -> bytes:
    pdf = pdf_forms.JapaneseForm("送付書", datetime(2026, 6, 1, tzinfo=ZoneInfo("Asia/Tokyo")))
    pdf.heading("送付書（総括票）")
    pdf.paragraph(TEXT)
    return pdf.to_bytes()


def test_the_skipped_font_save_changes_no_byte(monkeypatch):
    shortcut = _form()
    monkeypatch.setattr(pdf_forms, "_skip_discarded_save", lambda font: None)
    assert _form() == shortcut
    assert squeeze(TEXT) in "".join(pages(shortcut))
    ((font, embedded),) = fonts(shortcut)
    assert font.endswith("+NotoSansJP") and embedded
