import re

from ssw_linkage import dictionary, source, validators
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import EXPIRY_NOT_BEFORE_EVENT, ITEMS, item


def test_eight_items_with_unique_iso9660_names():
    assert [i.number for i in ITEMS] == list(range(1, 9))
    names = [i.file_name for i in ITEMS]
    assert len(set(names)) == 8 and all(re.fullmatch(r"[A-Z0-9_]{1,8}\.CSV", n) for n in names)


def test_columns_unique_and_every_item_identifies_its_record():
    for i in ITEMS:
        keys = [c.key for c in i.columns]
        assert len(keys) == len(set(keys)) and len(set(i.headers)) == len(i.headers)
        assert keys[:2] == ["record_id", "event_date"]
        assert {"card_number", "name_roman", "birth_date", "employer_name"} <= set(keys)


def test_sql_returns_exactly_the_spec_columns(sqlite_engine):
    source.create_schema(sqlite_engine)
    params = source.window_params(sqlite_engine, DataMonth(2026, 5))
    with sqlite_engine.connect() as conn:
        for i in ITEMS:
            assert list(conn.execute(source.item_query(i.sql), params).keys()) == [c.key for c in i.columns], i.sql_file


def test_sql_uses_bound_window_parameters_only():
    for i in ITEMS:
        assert set(re.findall(r"(?<![:\w]):(\w+)", i.sql)) == {"window_start", "window_end", "held_ids"}, i.sql_file
        assert "{" not in i.sql and "%" not in i.sql


def test_data_dictionary_is_current():
    from pathlib import Path

    committed = (Path(__file__).parents[2] / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == dictionary.render(), "run: ssw-linkage spec --output docs/data-dictionary.md"
    assert item(6).headers[3] == "市区町村通知到達日時"


def test_every_column_declares_its_text_and_window_rules():
    for i in ITEMS:
        for c in i.columns:
            assert (c.max_length is not None) == (c.type == "text"), (i.number, c.key)
            assert set(c.may_start_with) <= set(validators.FORMULA_CHARACTERS), c.key
            assert c.in_window == (c.key == "event_date") and not (c.in_window and c.rule), c.key
    assert {c.may_start_with for i in ITEMS for c in i.columns} == {"", "+"}  # only phone numbers may start with +


def test_expiry_is_checked_where_the_event_grants_the_period():
    # items 2, 5 and 6 look up an earlier permission, which a pending application may outlast
    assert [i.number for i in ITEMS if EXPIRY_NOT_BEFORE_EVENT in i.row_rules] == [1, 3, 4, 7, 8]
