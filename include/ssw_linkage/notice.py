"""The readiness notice to MHLW (Japanese): the month's data is on a disc, ready to be collected.

It names the data month, the revision (and what changed since the previous one), the rows per item,
the image's size and SHA-256, the deadline and the pick-up details: counts and digests only, never a
resident's data, nor anyone's name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ssw_linkage.business_calendar import weekday_ja

TRIAL_JA = "試験"


def _edition(revision: int, trial: bool) -> str:
    text = "第1版" if revision == 1 else f"第{revision}版（r{revision}：第{revision - 1}版の訂正）"
    return f"{TRIAL_JA}（初回試験・本番の提供ではありません） {text}" if trial else text


def _items(manifest: dict[str, Any]) -> str:
    rows = "\n".join(
        f"<tr><td>{e['item']}</td><td>{e['title']}</td><td>{e['file']}</td>"
        f'<td align="right">{e["written"] + e["carried_over"]:,}</td></tr>'
        for e in manifest["items"]
    )
    total = sum(e["written"] + e["carried_over"] for e in manifest["items"])
    return f"""<table>
<tr><th>番号</th><th>項目</th><th>ファイル</th><th>件数</th></tr>
{rows}
<tr><td></td><td>計</td><td></td><td align="right">{total:,}</td></tr>
</table>"""


def _changes(diff: dict[str, Any]) -> str:
    rows = "\n".join(
        f'<tr><td>{item}</td><td align="right">{c["added"]:,}</td><td align="right">{c["removed"]:,}</td>'
        f'<td align="right">{c["changed"]:,}</td></tr>'
        for item, c in diff["items"].items()
    )
    return f"""<p>第{diff["from_revision"]}版からの変更（件数。行の特定は連携番号で、別途お知らせできます）：</p>
<table>
<tr><th>項目</th><th>追加</th><th>削除</th><th>変更</th></tr>
{rows}
</table>
<p>第{diff["from_revision"]}版の媒体は、この版の受領時にお返しいただくか、貴省の規程に従い廃棄してください。</p>"""


def render_notice(
    manifest: dict[str, Any],
    disc: dict[str, Any],
    revision: int,
    deadline: date,
    pickup: str,
    diff: dict[str, Any] | None = None,
    trial: bool = False,
) -> tuple[str, str]:
    """Subject and HTML body of the readiness notice of one month and revision."""
    month = manifest["data_month"]
    mark = f"【{TRIAL_JA}】" if trial else ""
    what = "提供データ" if revision == 1 else f"提供データ（第{revision}版・訂正）"
    subject = f"{mark}【特定技能情報連携】{month}分の{what}の準備ができました（受領のご案内）"
    body = f"""<p>厚生労働省年金局 ご担当者様</p>
<p>{"【試験】これは初回試験のための連絡です。実際の提供ではありません。" if trial else ""}
出入国在留管理庁です。特定技能外国人に係る{month}分の情報提供データを記録した媒体（CD-R）の準備ができました。
下記によりお受け取りください。</p>
<table>
<tr><th>対象月</th><td>{month}</td></tr>
<tr><th>版</th><td>{_edition(revision, trial)}</td></tr>
<tr><th>提出期限</th><td>{deadline.isoformat()}（{weekday_ja(deadline)}）</td></tr>
<tr><th>イメージファイル</th><td>{disc["image"].rsplit("/", 1)[-1]}（{disc["bytes"]:,} バイト）</td></tr>
<tr><th>SHA-256</th><td><code>{disc["sha256"]}</code></td></tr>
<tr><th>暗号化</th><td>{"あり（パスワードは別の経路でお伝えします）" if disc["encrypted"] else "なし"}</td></tr>
<tr><th>お受け取り</th><td>{pickup}</td></tr>
</table>
<p>項目別の件数：</p>
{_items(manifest)}
{_changes(diff) if diff else ""}
<p>お受け取りの際、受領者のお名前・ご所属・日時・媒体の番号と、上記 SHA-256 の確認結果を記録させていただきます。
受領後は <code>ssw-linkage verify</code> で媒体を確認してください（送付書に手順があります）。</p>
<p>このメールには個人情報を含めていません（件数と検査値のみ）。この版についてのご案内はこの一通だけです。</p>"""
    return subject, body
