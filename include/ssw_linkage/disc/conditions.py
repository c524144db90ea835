"""The conditions of use (利用条件) that travel with the data: agreement of 2019-06-19, 1(3)."""

from __future__ import annotations

from datetime import date

from ssw_linkage.csv_format import codec
from ssw_linkage.wareki import format_date

AGREEMENT_DATE = date(2019, 6, 19)
AGREEMENT = (
    "特定技能外国人受入れ制度における社会保険の加入促進及び保険料の納付促進に向けた"
    f"出入国在留管理庁と厚生労働省との間の情報連携に関する確認書（{format_date(AGREEMENT_DATE)}）"
)

TITLE_JA = "利用条件"
CONDITIONS_JA = (
    "本媒体に記録された情報は、特定技能外国人受入れ制度における社会保険の加入促進及び保険料の納付促進のみを"
    "目的として利用し、その他の目的で利用しないこと。",
    "日本年金機構（同機構が照会を行う市区町村及び地方公共団体情報システム機構、並びに同機構が業務を委託する事業者を"
    "含む。）以外の者に提供しないこと。",
    "受渡し及び利用のすべての段階で情報の機密性を保持し、日本年金機構においても同様の取扱いとすること。",
)
CONDITIONS_EN = (
    "Use this data only to promote the social-insurance enrolment and premium payment of Specified Skilled Workers,"
    " for no other purpose.",
    "Give it to no one but the Japan Pension Service (including the municipalities and J-LIS it queries and the"
    " contractors it engages for this purpose).",
    "Keep it confidential at every hop and in every use; the Japan Pension Service must do the same.",
)


def numbered(conditions: tuple[str, ...]) -> list[str]:
    return [f"{n}. {text}" for n, text in enumerate(conditions, start=1)]


def text() -> str:
    """The conditions in Japanese, then in English."""
    return "\n".join(
        [
            f"{TITLE_JA}（特定技能外国人に係る情報提供）",
            "",
            *numbered(CONDITIONS_JA),
            "",
            f"根拠：{AGREEMENT} 1(3)",
            "",
            "Conditions of use (Specified Skilled Workers data, ISA to MHLW)",
            "",
            *numbered(CONDITIONS_EN),
            "",
            "Source: the ISA-MHLW agreement of 2019-06-19, section 1(3).",
            "",
        ]
    )


def conditions_file(encoding: str) -> bytes:
    """``TERMS.TXT`` in the package's encoding, with CRLF line ends like the CSV files."""
    return text().replace("\n", "\r\n").encode(codec(encoding))
