from datetime import date

from ssw_linkage import reference, validators


def test_card_number_format():
    assert validators.card_number("AB12345678CD")
    for bad in ("AB1234567CD", "ab12345678cd", "AB12345678C1", "AB12345678CDE", "1B12345678CD"):
        assert not validators.card_number(bad), bad


def test_corporate_number_check_digit_on_real_numbers():
    # Published 法人番号 of Toyota Motor Corporation and the National Tax Agency.
    assert validators.corporate_number("1180301018771")
    assert validators.corporate_number("7000012050002")
    assert not validators.corporate_number("2180301018771")  # wrong check digit
    assert not validators.corporate_number("118030101877")  # 12 digits
    assert not validators.corporate_number("11803010187A1")


def test_birth_date_and_codes():
    assert validators.birth_date(date(1900, 1, 1)) and not validators.birth_date(date(1899, 12, 31))
    assert validators.sex("F") and not validators.sex("X")
    assert validators.nationality("ベトナム") and not validators.nationality("Vietnam")
    assert validators.municipality_code("131016") and not validators.municipality_code("13101")


def test_fields_are_data_with_validity_dates():
    fields = reference.ssw_fields()
    current = {name for name, f in fields.items() if f.in_force(date(2025, 1, 1))}
    assert len(current) == 16 and "工業製品製造業" in current and "素形材産業" not in current
    assert fields["素形材産業"].in_force(date(2020, 1, 1))
    assert validators.ssw_field("素形材産業")  # older data keeps its old names


def test_phone_format_and_formula_start():
    for good in ("03-1234-5678", "+81 3 1234 5678", "(03)1234-5678"):
        assert validators.phone(good), good
    for bad in ("+cmd|'/C calc'!A0", "03-1234-5678 内線1", "=1+1", "+"):
        assert not validators.phone(bad), bad
    assert validators.formula_start("+").match("+81") is None and validators.formula_start("+").match("＋81")
    assert validators.formula_start().match("\u3000 -1") and validators.formula_start().match("A-1") is None
