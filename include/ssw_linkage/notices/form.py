"""The 別添 form: one A4 PDF per employer and report, laid out as the agreement's annex.

番号 and date (和暦) at the top right, the addressee, the sending bureau and officer, the agreement's
sentence, then one table: the establishment (事業場), each worker (特定技能外国人, nine rows each, kept
together on a page; further workers continue on the next pages, whose header repeats the number), the
reasons and the bureau's action (手続が未了の理由等), and 備考 with the contact. The same pieces as the
disc's cover sheet (``pdf_forms``, ``wareki``); its date is the batch's day, so a rebuild gives the same bytes.
"""

from __future__ import annotations

from datetime import date

from fpdf import FontFace
from fpdf.enums import WrapMode

from ssw_linkage.notices.selection import Report, Worker, midnight
from ssw_linkage.notices.senders import NoticeSender
from ssw_linkage.pdf_forms import BODY_SIZE, FONT, HEADING_FILL, JapaneseForm
from ssw_linkage.reference import Bureau
from ssw_linkage.wareki import format_date

TITLE = "健康保険及び厚生年金保険の被保険者資格取得手続を完了していない特定技能外国人に係る情報提供"
ADDRESSEE = "厚生労働省年金局事業管理課 御中"
LEAD = (
    "下記の事業場において、健康保険及び厚生年金保険の被保険者資格取得手続を完了していない"
    "特定技能外国人がいる旨の情報を把握したことから、情報提供する。"
)
MISSING = "（記録なし）"
SEXES = {"M": "男", "F": "女"}
WIDTHS = (24, 36, 114)  # section, field, value (mm): the A4 page between its margins
SHADE = FontFace(fill_color=HEADING_FILL)


def number_text(bureau: Bureau, number: int) -> str:
    """``東京局第12号``: a notice's number (番号), counted per bureau and fiscal year."""
    return f"{bureau.short_ja}第{number}号"


class _NoticePdf(JapaneseForm):
    """The form's pages: from the second on, the header repeats the number, so loose pages match up."""

    def __init__(self, number: str, day: date, author: str):
        self.number = number  # read by header(), which the first add_page() already calls
        super().__init__(f"{TITLE}（{number}）", midnight(day), author=author)

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FONT, size=8)
            self.set_y(8)
            self.cell(0, 5, f"{self.number}（続き）", align="R")
            self.set_y(self.t_margin)
            self.set_font(FONT, size=BODY_SIZE)


def _text(value: str | None) -> str:
    return value if value else MISSING


def _day(value: date | None) -> str:
    """和暦 with the ISO date: ``平成7年4月1日（1995-04-01）``."""
    if value is None:
        return MISSING
    try:
        return f"{format_date(value)}（{value.isoformat()}）"
    except ValueError:  # before 昭和: no era the form can write
        return value.isoformat()


def _name(worker: Worker) -> str:
    if worker.name_roman and worker.name_kanji:
        return f"{worker.name_roman}（{worker.name_kanji}）"
    return _text(worker.name_roman or worker.name_kanji)


def _worker_rows(worker: Worker) -> list[tuple[str, str]]:
    return [
        ("氏名", _name(worker)),
        ("国籍・地域", _text(worker.nationality)),
        ("生年月日", _day(worker.birth_date)),
        ("性別", SEXES.get(worker.sex or "", _text(worker.sex))),
        ("在留資格", _text(worker.status)),
        ("在留期限", _day(worker.expires_on)),
        ("住居地", _text(worker.address)),
        ("分野", _text(worker.ssw_field)),
        ("在留カード番号", _text(worker.card_number)),
    ]


def _reasons(report: Report) -> str:
    if len(report.workers) == 1:
        return _text(report.workers[0].reason)
    return "\n".join(f"（外国人{n}）{_text(w.reason)}" for n, w in enumerate(report.workers, start=1))


def _remarks(report: Report, sender: NoticeSender, period_days: int) -> str:
    return (
        f"{sender.contact}\n"
        f"活動状況に係る届出：{format_date(report.received_on)}届出"
        f"（対象期間 {format_date(report.period_start)}～{format_date(report.period_end)}）。"
        f"雇用後{period_days}日の被保険者資格取得手続期間内にある者は含まない。"
    )


def _section(table, label: str, rows: list[tuple[str, str]]) -> None:
    for n, (field, value) in enumerate(rows):
        row = table.row()
        if n == 0:
            row.cell(label, rowspan=len(rows), style=SHADE, align="CENTER")
        row.cell(field, style=SHADE)
        row.cell(value)


def notice_form(
    report: Report, number: int, day: date, bureau: Bureau, sender: NoticeSender, period_days: int
) -> bytes:
    """The form for one report as PDF bytes, dated ``day`` (the batch's business day)."""
    numbered = number_text(bureau, number)
    pdf = _NoticePdf(numbered, day, author=bureau.name_ja)
    pdf.alias_nb_pages()
    pdf.set_font(FONT, size=10.5)
    for line in (numbered, format_date(day)):
        pdf.cell(0, 6, line, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, size=12)
    pdf.cell(0, 7, ADDRESSEE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, size=10.5)
    for line in (bureau.name_ja, sender.officer):
        pdf.cell(0, 6, line, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.paragraph(LEAD, size=10.5)
    pdf.ln(4)

    employer = report.employer
    count = len(report.workers)
    with pdf.table(
        col_widths=WIDTHS,
        first_row_as_headings=False,
        text_align=("LEFT", "LEFT", "LEFT"),
        wrapmode=WrapMode.CHAR,
        line_height=5,
        padding=(1, 1.5),
    ) as table:
        _section(
            table,
            "事業場",
            [
                ("名称", _text(employer.name)),
                ("所在地", _text(employer.address)),
                ("電話", _text(employer.phone)),
                ("代表者氏名", _text(employer.representative)),
            ],
        )
        for n, worker in enumerate(report.workers, start=1):
            label = "特定技能\n外国人" + (f"\n（{n}／{count}）" if count > 1 else "")
            _section(table, label, _worker_rows(worker))
        _section(
            table,
            "手続が未了\nの理由等",
            [("1 手続が未了の理由", _reasons(report)), ("2 当局の措置", _text(report.bureau_action))],
        )
        remarks = table.row()
        remarks.cell("備考", style=SHADE, align="CENTER")
        remarks.cell(_remarks(report, sender, period_days), colspan=2)
    return pdf.to_bytes()
