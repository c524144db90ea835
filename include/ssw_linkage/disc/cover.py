"""The cover sheet (送付書・総括票) that goes with the disc: one A4 PDF in Japanese per data month.

Everything on it comes from the published manifest, the disc's files and the sender's settings, so a
rebuild prints the same sheet. Its date (作成日) is the data month's window end, the moment the data
is taken as of; see ``disc.build.as_of``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ssw_linkage.business_calendar import weekday_ja
from ssw_linkage.disc import conditions
from ssw_linkage.disc.layout import COVER, SEALED
from ssw_linkage.disc.sender import Sender
from ssw_linkage.months import DataMonth
from ssw_linkage.pdf_forms import JapaneseForm
from ssw_linkage.wareki import format_date, format_month

TITLE = "特定技能外国人に係る情報提供 送付書（総括票）"
RECIPIENT = "厚生労働省年金局 御中"
ENCODING_NAMES = {"cp932": "Shift_JIS（CP932）", "utf-8-bom": "UTF-8（BOM付き）"}


@dataclass(frozen=True)
class DiscFile:
    name: str
    size: int
    sha256: str


def _day(day: date) -> str:
    return f"{format_date(day)}（{day.isoformat()}）"


def _deadline(day: date) -> str:
    return f"{day.isoformat()}（{weekday_ja(day)}） {format_date(day)}"


def _summary(manifest: dict, sender: Sender, deadline: date, created: date, encrypted: bool) -> list[tuple[str, str]]:
    month = DataMonth.parse(manifest["data_month"])
    encryption = (
        f"あり：データは {SEALED}（AES-256 で暗号化した ZIP）に格納しています。"
        "パスワードは本票とは別の経路で通知します。"
        if encrypted
        else "なし（データファイルをそのまま記録しています）"
    )
    return [
        ("宛先", RECIPIENT),
        ("送付元", sender.office),
        ("連絡先", sender.contact),
        ("対象月", f"{month.year}年{month.month}月分（{format_month(month.year, month.month)}分）"),
        ("提出期限", _deadline(deadline)),
        ("作成日", f"{_day(created)} ※対象月の締め（データの基準時点）"),
        ("仕様バージョン", manifest["spec_version"]),
        ("ファイル形式", f'CSV、{ENCODING_NAMES[manifest["encoding"]]}、改行 CRLF、全項目を " で囲む、1行目は見出し'),
        ("暗号化", encryption),
    ]


def _items(manifest: dict) -> list[list[str]]:
    rows = [
        [
            str(entry["item"]),
            entry["title"],
            entry["file"],
            f"{entry['written'] + entry['carried_over']:,}",
            f"{entry['carried_over']:,}",
            f"{entry['quarantined']:,}",
        ]
        for entry in manifest["items"]
    ]
    totals = manifest["totals"]
    rows.append(
        [
            "",
            "計",
            "",
            f"{totals['written'] + totals['carried_over']:,}",
            f"{totals['carried_over']:,}",
            f"{totals['quarantined']:,}",
        ]
    )
    return rows


def cover_sheet(
    manifest: dict,
    files: Sequence[DiscFile],
    sender: Sender,
    deadline: date,
    moment: datetime,
    encrypted: bool,
    edition: str = "",
) -> bytes:
    """The cover sheet as PDF bytes; ``files`` are listed with their sizes and SHA-256. ``edition`` marks a
    revision (第2版) or a trial (試験) in the title and the summary; the first real delivery has none."""
    title = f"{TITLE}【{edition}】" if edition else TITLE
    pdf = JapaneseForm(title, moment, author=sender.office)
    pdf.alias_nb_pages()
    pdf.heading(title)
    summary = _summary(manifest, sender, deadline, moment.date(), encrypted)
    pdf.fields([*summary[:4], ("版", edition), *summary[4:]] if edition else summary)

    pdf.section("提供ファイル別件数（別紙の項目）")
    pdf.grid(
        ["番号", "項目", "ファイル名", "件数", "うち繰越", "保留"],
        _items(manifest),
        widths=(8, 92, 22, 16, 15, 13),
        align=("CENTER", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        size=8,
    )
    pdf.paragraph(
        "件数：ファイルのデータ行数（見出し行を除く）。うち繰越：前月以前に保留し、当月に提供する行。"
        "保留：検査で提供を見合わせた当月の行（出入国在留管理庁で修正の上、翌月以降に提供します）。",
        size=7.5,
    )

    pdf.section("記録ファイル一覧")
    pdf.grid(
        ["ファイル名", "バイト数", "SHA-256"],
        [[f.name, f"{f.size:,}", f.sha256] for f in files],
        widths=(30, 20, 100),
        align=("LEFT", "RIGHT", "LEFT"),
        size=7.5,
    )
    pdf.paragraph(
        f"ほかに SHA256SUMS（本票 {COVER} を含む、SHA256SUMS 以外の全ファイルの SHA-256）を記録しています。"
        "ファイル名は変更しないでください。",
        size=7.5,
    )

    pdf.section(f"{conditions.TITLE_JA}（確認書 1(3)）")
    pdf.paragraph("\n".join(conditions.numbered(conditions.CONDITIONS_JA)))

    pdf.section("受領後の確認")
    pdf.paragraph(
        "媒体の内容は ssw-linkage（pip でインストール）の次のコマンドで確認できます。合格なら終了コード 0。\n"
        "  ssw-linkage verify <ドライブ、フォルダ又はイメージファイル>\n"
        + (
            "暗号化した媒体は、環境変数 SSW_DISC_PASSWORD 又は求められた際の入力でパスワードを与えます。"
            if encrypted
            else ""
        )
    )

    pdf.section("受渡し")
    handover = [("受渡日", "　　年　　月　　日"), ("引渡者（出入国在留管理庁）", ""), ("受領者（厚生労働省）", "")]
    pdf.fields(handover, label_width=0.3)
    return pdf.to_bytes()
