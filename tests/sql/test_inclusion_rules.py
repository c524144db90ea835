"""Every inclusion and exclusion rule of the eight items, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from source_builder import SourceBuilder, item_rows, jst, record_ids

from ssw_linkage.months import DataMonth

MAY, JUNE = DataMonth(2026, 5), DataMonth(2026, 6)
BEFORE = date(2024, 4, 10)  # a backstory date, long before the data month


@pytest.fixture
def src(engine) -> SourceBuilder:
    return SourceBuilder(engine)


def test_item1_landing_with_ssw_only(src):
    ssw = src.permit(src.person(), "landing", "SSW1", date(2026, 5, 10))
    src.permit(src.person(), "landing", "ENGINEER", date(2026, 5, 10))
    src.permit(src.person(), "landing", "TITP1_RO", date(2026, 5, 11))
    src.load()
    assert record_ids(src.engine, 1, MAY) == [f"SP{ssw}"]


def test_item2_departures_exclude_reentry_permit_and_special_reentry(src):
    people = [src.person() for _ in range(4)]
    for p in people:
        src.permit(p, "landing", "SSW1", BEFORE)
    plain = src.depart(people[0], date(2026, 5, 3), "none")
    src.depart(people[1], date(2026, 5, 3), "reentry_permit")
    src.depart(people[2], date(2026, 5, 3), "special_reentry")
    src.depart(people[3], date(2026, 5, 3), "none", status="ENGINEER")
    src.load()
    assert record_ids(src.engine, 2, MAY) == [f"DP{plain}"]


def test_item3_change_to_ssw_extension_and_1go_to_2go_but_not_item4(src):
    trainee, worker, senior, engineer = (src.person() for _ in range(4))
    src.permit(trainee, "landing", "TITP1_RO", date(2023, 4, 1))
    titp_to_ssw = src.permit(trainee, "change", "SSW1", date(2026, 5, 12))
    src.permit(worker, "landing", "SSW1", BEFORE)
    extension = src.permit(worker, "extension", "SSW1", date(2026, 5, 13))
    src.permit(senior, "landing", "SSW1", BEFORE)
    to_2go = src.permit(senior, "change", "SSW2", date(2026, 5, 14))
    src.permit(engineer, "landing", "ENGINEER", BEFORE)
    src.permit(engineer, "extension", "ENGINEER", date(2026, 5, 15))
    src.load()
    assert record_ids(src.engine, 3, MAY) == [f"SP{titp_to_ssw}", f"SP{extension}", f"SP{to_2go}"]
    assert record_ids(src.engine, 4, MAY) == []


def test_item4_change_from_ssw_to_another_status(src):
    leaver, student = src.person(), src.person()
    src.permit(leaver, "landing", "SSW1", BEFORE)
    change = src.permit(leaver, "change", "ENGINEER", date(2026, 5, 20))
    src.permit(student, "landing", "STUDENT", BEFORE)
    src.permit(student, "change", "ENGINEER", date(2026, 5, 20))
    src.load()
    assert record_ids(src.engine, 4, MAY) == [f"SP{change}"]
    assert record_ids(src.engine, 3, MAY) == []


def test_item5_new_card_under_19_10_to_13_but_not_with_a_permission(src):
    worker, engineer = src.person(), src.person()
    src.permit(worker, "landing", "SSW1", BEFORE)
    reissue = src.card(worker, date(2026, 5, 8), "reissue_lost")
    renamed = src.card(worker, date(2026, 5, 9), "change_name")
    src.permit(worker, "extension", "SSW1", date(2026, 5, 10))  # its card is not item 5
    src.permit(engineer, "landing", "ENGINEER", BEFORE)
    src.card(engineer, date(2026, 5, 8), "reissue_lost")
    src.load()
    assert record_ids(src.engine, 5, MAY) == [f"RC{reissue}", f"RC{renamed}"]


def test_item6_only_once_the_municipality_notice_has_arrived(src):
    worker, engineer = src.person(), src.person()
    src.permit(worker, "landing", "SSW1", BEFORE)
    src.permit(engineer, "landing", "ENGINEER", BEFORE)
    arrived = src.notify(worker, date(2026, 5, 2), jst(date(2026, 5, 15)))
    pending = src.notify(worker, date(2026, 5, 20), None)
    arrives_june = src.notify(worker, date(2026, 5, 25), jst(date(2026, 6, 4)))
    src.notify(engineer, date(2026, 5, 2), jst(date(2026, 5, 15)))
    src.load()
    assert record_ids(src.engine, 6, MAY) == [f"RN{arrived}"]
    assert record_ids(src.engine, 6, JUNE) == [f"RN{arrives_june}"]
    assert f"RN{pending}" not in record_ids(src.engine, 6, JUNE)


def test_items7_and_8_need_a_principal_holding_ssw_on_the_permission_date(src):
    ssw, engineer, late_ssw = src.person(), src.person(), src.person()
    src.permit(ssw, "landing", "SSW2", BEFORE)
    src.permit(engineer, "landing", "ENGINEER", BEFORE)
    src.permit(late_ssw, "landing", "TITP1_RO", BEFORE)
    src.permit(late_ssw, "change", "SSW1", date(2026, 5, 25))  # SSW only after the dependants' dates
    included = []
    for principal in (ssw, engineer, late_ssw):
        spouse, child = src.person(), src.person(birth=date(2015, 1, 1))
        landing = src.permit(child, "landing", "DEPENDENT", date(2026, 5, 5), principal=principal, relationship="子")
        src.permit(spouse, "landing", "STUDENT", BEFORE)
        designated = src.permit(
            spouse, "change", "DESIGNATED", date(2026, 5, 6), principal=principal, relationship="配偶者"
        )
        if principal == ssw:
            included = [f"SP{landing}", f"SP{designated}"]
    src.load()
    assert record_ids(src.engine, 7, MAY) == included[:1]
    assert record_ids(src.engine, 8, MAY) == included[1:]


def test_jst_month_boundary(src):
    late_may, early_june = src.person(), src.person()
    may = src.permit(late_may, "landing", "SSW1", date(2026, 5, 31), recorded=jst(date(2026, 5, 31), 23, 30))
    june = src.permit(early_june, "landing", "SSW1", date(2026, 5, 31), recorded=jst(date(2026, 6, 1), 0, 30))
    src.load()
    assert record_ids(src.engine, 1, MAY) == [f"SP{may}"]
    assert record_ids(src.engine, 1, JUNE) == [f"SP{june}"]


def test_late_record_lands_in_the_month_it_was_recorded_once(src):
    worker = src.person()
    src.permit(worker, "landing", "SSW1", BEFORE)
    late = src.depart(worker, date(2026, 5, 28), recorded=jst(date(2026, 6, 3), 9))
    src.load()
    assert record_ids(src.engine, 2, MAY) == []
    assert record_ids(src.engine, 2, JUNE) == [f"DP{late}"]
    assert record_ids(src.engine, 2, DataMonth(2026, 7)) == []


def test_lookups_only_see_records_known_by_the_window_end(src):
    """A rerun of May after June's data arrived gives May's answer: status is looked up as of May's end."""
    worker = src.person()
    src.permit(worker, "landing", "ENGINEER", BEFORE)
    # a change to SSW dated in April but entered in June must not make a May card reissue item 5
    src.permit(worker, "change", "SSW1", date(2026, 4, 20), recorded=jst(date(2026, 6, 2)))
    src.card(worker, date(2026, 5, 8), "reissue_lost")
    src.load()
    assert record_ids(src.engine, 5, MAY) == []
    assert len(record_ids(src.engine, 3, JUNE)) == 1


def test_items7_and_8_exclude_a_permission_naming_no_principal(src):
    """Most 特定活動 changes have no principal (job hunting after graduation …): not a dependant's event."""
    graduate = src.person()
    src.permit(graduate, "landing", "STUDENT", BEFORE)
    src.permit(graduate, "change", "DESIGNATED", date(2026, 5, 6))
    src.permit(src.person(), "landing", "DEPENDENT", date(2026, 5, 5))
    src.load()
    assert record_ids(src.engine, 7, MAY) == [] and record_ids(src.engine, 8, MAY) == []


def test_a_dependant_whose_principal_has_no_known_status_is_quarantined_not_dropped(src, tmp_path):
    from ssw_linkage import package
    from ssw_linkage.spec import item

    principal = src.person()  # exists, but no permission of theirs is known by the window end
    src.permit(principal, "landing", "SSW2", BEFORE, recorded=jst(date(2026, 6, 2)))
    landed = src.permit(src.person(), "landing", "DEPENDENT", date(2026, 5, 5), principal=principal, relationship="子")
    spouse = src.person()
    src.permit(spouse, "landing", "STUDENT", BEFORE)
    changed = src.permit(spouse, "change", "DESIGNATED", date(2026, 5, 6), principal=principal, relationship="配偶者")
    src.load()
    for number, record in ((7, f"SP{landed}"), (8, f"SP{changed}")):
        assert record_ids(src.engine, number, MAY) == [record]
        counts = package.extract_item(src.engine, item(number), MAY, tmp_path)
        assert (counts.extracted, counts.written, counts.quarantined) == (1, 0, 1)
        quarantined = (tmp_path / f"ITEM0{number}.CSV.quarantine").read_text(encoding="cp932")
        assert f'"{record}"' in quarantined and "principal_status:required" in quarantined


def test_permanent_residence_is_not_item4_and_acquisition_is_in_no_item(src):
    """A 22条 永住許可 is not a 20条 在留資格変更許可; a 22条の2 acquisition (a child born in Japan) is no
    landing (items 1, 7) and no 20/21条 permission (items 3, 8)."""
    worker, child = src.person(), src.person(birth=date(2026, 4, 20))
    src.permit(worker, "landing", "SSW2", BEFORE)
    src.permit(worker, "permanent_residence", "PERMANENT", date(2026, 5, 12), period=None)
    src.permit(child, "acquisition", "DEPENDENT", date(2026, 5, 14), principal=worker, relationship="子")
    src.load()
    assert [record_ids(src.engine, n, MAY) for n in range(1, 9)] == [[]] * 8


def test_particulars_are_those_in_force_on_the_event_date_as_known_at_window_end(src):
    """An old card shows the old name; a change entered after the window end does not alter a month's rows."""
    worker = src.person("TRAN THI HOA")
    src.permit(worker, "landing", "SSW1", BEFORE)
    child = src.person("NGUYEN VAN CON", birth=date(2020, 1, 1))
    landed = src.permit(child, "landing", "DEPENDENT", date(2026, 5, 10), principal=worker, relationship="子")
    old_card = src.card(worker, date(2026, 5, 8), "reissue_lost")
    src.particulars(worker, date(2026, 5, 12), recorded=jst(date(2026, 5, 20)), name="NGUYEN THI HOA")
    renamed = src.card(worker, date(2026, 5, 20), "change_name", previous=old_card)
    src.particulars(worker, date(2026, 5, 18), recorded=jst(date(2026, 6, 5)), name="NGUYEN THI HOA MAI")
    left = src.depart(worker, date(2026, 6, 10))
    src.load()
    names = {r["record_id"]: r["name_roman"] for r in item_rows(src.engine, 5, MAY)}
    assert names == {f"RC{old_card}": "TRAN THI HOA", f"RC{renamed}": "NGUYEN THI HOA"}
    (dependant,) = item_rows(src.engine, 7, MAY)
    assert (dependant["record_id"], dependant["principal_name_roman"]) == (f"SP{landed}", "TRAN THI HOA")
    assert [(r["record_id"], r["name_roman"]) for r in item_rows(src.engine, 2, JUNE)] == [
        (f"DP{left}", "NGUYEN THI HOA MAI")
    ]
