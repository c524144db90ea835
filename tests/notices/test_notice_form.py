"""The 別添 form read back with PDFium: every field of a demo employer's form, several workers over pages,
和暦 at the era boundary, placeholders for missing data, the embedded Japanese font, reproducible bytes."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from activity_reports import report, worker
from pdf_text import fonts, pages, squeeze
from source_builder import SourceBuilder
from sqlalchemy import text

from ssw_linkage import source, synthetic
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.months import DataMonth
from ssw_linkage.notices.batch import publish_day
from ssw_linkage.notices.form import notice_form
from ssw_linkage.notices.selection import Employer, Report, Worker, select_reports
from ssw_linkage.notices.senders import NoticeSender, parse
from ssw_linkage.reference import bureaus
from ssw_linkage.wareki import format_date

CALENDAR = GovernmentCalendar()
SENDERS = {
    "officer": "就労審査第三部門首席審査官",
    "contact": "担当 試験出入国在留管理局就労審査部門 電話 03-0000-1234 入国審査官 試験 花子",
}
SEX = {"M": "男", "F": "女"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo data's first report whose uninsured workers were all hired long before it, published."""
    root = tmp_path_factory.mktemp("demo")
    engine = source.connect(f"sqlite:///{root / 'source.db'}")
    synthetic.seed(engine, DataMonth(2026, 4).until(DataMonth(2026, 6)), 2_000)
    with engine.connect() as conn:
        reports = conn.execute(text(
            "SELECT r.report_id, r.bureau_code, r.received_on, r.recorded_at, COUNT(*) AS workers"
            " FROM activity_reports r JOIN activity_report_workers w ON w.report_id = r.report_id"
            " WHERE w.enrolment = 'not_enrolled' GROUP BY r.report_id, r.bureau_code, r.received_on, r.recorded_at"
            " HAVING MAX(w.hired_on) < DATE(r.received_on, '-30 days') ORDER BY COUNT(*) DESC, r.report_id"
        )).mappings().all()  # fmt: skip
    chosen = dict(reports[0])
    assert chosen["workers"] >= 2, "the demo should have an employer with several uninsured workers"
    entered = date.fromisoformat(chosen["recorded_at"][:10])  # 09:00–18:00 JST is the same day in UTC
    day = CALENDAR.next_business_day(entered)
    sender = parse(json.dumps({chosen["bureau_code"]: SENDERS}))[chosen["bureau_code"]]
    batch = publish_day(engine, root / "notices", chosen["bureau_code"], day, sender=sender)
    (form,) = [
        f for f in json.loads((batch.directory / "MANIFEST.JSON").read_text(encoding="utf-8"))["forms"]
        if f["report_id"] == chosen["report_id"]
    ]
    yield engine, chosen, day, (batch.directory / form["file"]).read_bytes(), form["number"]
    engine.dispose()


def _one(engine, sql: str, **params) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(text(sql), params).mappings().first())


def _era_and_iso(value: str) -> str:
    day = date.fromisoformat(value)
    return f"{format_date(day)}（{day.isoformat()}）"


def test_every_field_of_a_demo_employers_form(demo):
    engine, chosen, day, pdf, number = demo
    bureau = bureaus()[chosen["bureau_code"]]
    whole = "".join(pages(pdf))
    head = f"{bureau.short_ja}第{number}号{format_date(day)}厚生労働省年金局事業管理課御中{bureau.name_ja}"
    assert whole.startswith(squeeze(head + SENDERS["officer"]))
    r = _one(engine, "SELECT * FROM activity_reports WHERE report_id = :id", id=chosen["report_id"])
    e = _one(engine, "SELECT * FROM employers WHERE employer_id = :id", id=r["employer_id"])
    assert squeeze(f"事業場名称{e['name']}所在地{e['address']}電話{e['phone']}代表者氏名{e['representative']}") in whole

    with engine.connect() as conn:
        people = conn.execute(text(
            "SELECT person_id, reason FROM activity_report_workers"
            " WHERE report_id = :id AND enrolment = 'not_enrolled' ORDER BY person_id"
        ), {"id": chosen["report_id"]}).all()  # fmt: skip
    on = r["received_on"]
    for n, (person, reason) in enumerate(people, start=1):
        p = _one(engine, "SELECT * FROM person_particulars WHERE person_id = :p AND effective_on <= :on"
                 " ORDER BY effective_on DESC LIMIT 1", p=person, on=on)  # fmt: skip
        s = _one(engine, "SELECT s.*, st.name_ja FROM status_permissions s JOIN statuses st USING (status_code)"
                 " WHERE person_id = :p AND permitted_on <= :on ORDER BY permitted_on DESC LIMIT 1", p=person, on=on)
        c = _one(engine, "SELECT card_number FROM residence_cards WHERE person_id = :p AND issued_on <= :on"
                 " ORDER BY issued_on DESC LIMIT 1", p=person, on=on)  # fmt: skip
        a = _one(engine, "SELECT address FROM residence_notifications WHERE person_id = :p AND notified_on <= :on"
                 " AND notice_arrived_at IS NOT NULL ORDER BY notified_on DESC LIMIT 1", p=person, on=on)
        name = f"{p['name_roman']}（{p['name_kanji']}）" if p["name_kanji"] else p["name_roman"]
        block = (
            f"特定技能外国人（{n}／{len(people)}）氏名{name}国籍・地域{p['nationality']}"
            f"生年月日{_era_and_iso(p['birth_date'])}性別{SEX[p['sex']]}在留資格{s['name_ja']}"
            f"在留期限{_era_and_iso(s['expires_on'])}住居地{a['address']}分野{s['ssw_field']}"
            f"在留カード番号{c['card_number']}"
        )
        assert squeeze(block) in whole, n
        assert squeeze(f"（外国人{n}）{reason or '（記録なし）'}") in whole
    assert squeeze(f"2当局の措置{r['bureau_action']}備考{SENDERS['contact']}") in whole
    assert squeeze(f"{format_date(date.fromisoformat(on))}届出（対象期間令和7年4月1日～令和8年3月31日）") in whole
    ((font, embedded),) = fonts(pdf)
    assert font.endswith("+NotoSansJP") and embedded


def test_several_workers_continue_over_pages_under_the_same_number(sqlite_engine, tmp_path):
    src = SourceBuilder(sqlite_engine)
    names = [f"WORKER NUMBER {n:02d}" for n in range(1, 8)]
    people = [worker(src, name) for name in names]
    hired = date(2025, 4, 10)
    report(src, date(2026, 5, 12), [(p, "not_enrolled", hired, f"理由{n}") for n, p in enumerate(people, start=1)])
    src.load()
    (selected,) = select_reports(sqlite_engine, "TOKYO", date(2026, 5, 13), 5, CALENDAR)
    batch = publish_day(sqlite_engine, tmp_path, "TOKYO", date(2026, 5, 13))
    texts = pages((batch.directory / "TOKYO_2026_00001.PDF").read_bytes())
    assert len(texts) >= 2 and batch.forms == 1 and batch.workers == 7
    assert texts[0].startswith("東京局第1号令和8年5月13日") and "事業場名称株式会社テスト" in texts[0]
    for n, page in enumerate(texts[1:], start=2):
        assert page.startswith("東京局第1号（続き）") and page.endswith(f"{n}/{len(texts)}")
    whole = "".join(texts)
    for n, (name, shown) in enumerate(zip(names, selected.workers), start=1):  # each once, whole on one page
        assert whole.count(squeeze(name)) == 1
        (page,) = [page for page in texts if squeeze(f"（{n}／7）氏名{name}") in page]
        assert f"在留カード番号{shown.card_number}" in page
    assert squeeze("（外国人7）理由7") in texts[-1] and "備考" in texts[-1]


def _report(**changes) -> Report:
    worker_fields = dict(
        person_id=1, name_roman="WANG WEI", name_kanji="王 偉", nationality="中国", birth_date=date(1989, 1, 7),
        sex="M", status="特定技能1号", expires_on=date(2027, 1, 1), address="東京都新宿区1-1", ssw_field="建設",
        card_number="AB12345678CD", hired_on=date(2020, 1, 1), reason=None,
    )  # fmt: skip
    worker_fields.update(changes)
    employer = Employer(1, "株式会社テスト", None, "03-0000-0000", "試験 太郎")
    return Report(9, date(2019, 4, 25), date(2018, 4, 1), date(2019, 3, 31), None, employer, (Worker(**worker_fields),))


@pytest.mark.parametrize(
    ("day", "dated"),
    [(date(2019, 4, 26), "平成31年4月26日"), (date(2019, 5, 7), "令和元年5月7日"), (date(2020, 1, 6), "令和2年1月6日")],
)
def test_dates_in_wareki_across_the_era_boundary(day, dated):
    bureau = bureaus()["OSAKA"]
    sender = NoticeSender("首席審査官", "担当")
    texts = pages(notice_form(_report(), 1, day, bureau, sender, 5))
    assert texts[0].startswith(f"大阪局第1号{dated}厚生労働省年金局事業管理課御中")
    assert "生年月日昭和64年1月7日（1989-01-07）" in texts[0]
    born_in_heisei = pages(notice_form(_report(birth_date=date(1989, 1, 8)), 1, day, bureau, sender, 5))
    assert "生年月日平成元年1月8日（1989-01-08）" in born_in_heisei[0]
    assert "届出：平成31年4月25日届出（対象期間平成30年4月1日～平成31年3月31日）" in texts[0]


def test_missing_data_is_marked_and_a_date_before_showa_stays_western():
    bureau = bureaus()["NAHA"]
    odd = _report(name_kanji=None, birth_date=date(1899, 12, 31), sex=None, address=None, card_number=None)
    whole = "".join(pages(notice_form(odd, 3, date(2026, 5, 13), bureau, NoticeSender("官", "担当"), 5)))
    assert "氏名WANGWEI国籍・地域中国生年月日1899-12-31性別（記録なし）" in whole
    assert "住居地（記録なし）" in whole and "在留カード番号（記録なし）" in whole and "所在地（記録なし）" in whole
    assert "1手続が未了の理由（記録なし）2当局の措置（記録なし）" in whole
    assert whole.startswith("那覇支局第3号令和8年5月13日")


def test_the_same_report_gives_the_same_bytes_whatever_the_clock():
    bureau, sender = bureaus()["TOKYO"], NoticeSender("官", "担当")
    first = notice_form(_report(), 1, date(2026, 5, 13), bureau, sender, 5)
    assert notice_form(_report(), 1, date(2026, 5, 13), bureau, sender, 5) == first
    assert notice_form(_report(), 1, date(2026, 5, 13) + timedelta(days=1), bureau, sender, 5) != first
