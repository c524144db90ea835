"""Packages built from seeded months with bad data of every kind, and their SHA-256 digests.

``tests/reference/package_digests.json`` holds the digests of every file these scenarios publish, as
the per-row checker (``RowChecker`` + ``csv.writer``) wrote them before the columnar path replaced it
(regenerate only for an intended change of the output: ``python tests/reference_packages.py --write``).
``tests/sql/test_columnar_identity.py`` rebuilds the scenarios and requires the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, text

from ssw_linkage import package, synthetic
from ssw_linkage.months import DataMonth

REFERENCE = Path(__file__).parent / "reference" / "package_digests.json"
APRIL, MAY, JUNE = DataMonth(2026, 4), DataMonth(2026, 5), DataMonth(2026, 6)
EVENTS, BAD_RATE, RANDOM_SEED = 3_000, 0.15, 4242

# (table, column, value, id column, modulus, remainder): a bad (or tricky but valid) value for every
# rule, on rows spread over the months. Values both databases can hold.
BOTH = [
    ("person_particulars", "name_roman", "=HYPERLINK(1)", "particulars_id", 53, 1),
    ("person_particulars", "name_roman", "＋EVIL", "particulars_id", 53, 2),
    ("person_particulars", "name_kanji", "悪\r\n人", "particulars_id", 53, 3),
    ("person_particulars", "name_roman", "EVIL\x1b[31m\x07", "particulars_id", 53, 4),
    ("person_particulars", "name_roman", "EVIL\u202eLIVE", "particulars_id", 53, 5),
    ("person_particulars", "name_roman", " \u3000 ", "particulars_id", 53, 6),
    ("person_particulars", "name_kanji", " \u3000", "particulars_id", 53, 7),
    ("person_particulars", "name_kanji", "山田\u3000花子", "particulars_id", 53, 8),
    ("person_particulars", "name_kanji", "𠮷田 花子", "particulars_id", 53, 9),
    ("person_particulars", "name_kanji", "髙橋 一郎", "particulars_id", 53, 10),
    ("person_particulars", "name_roman", " \u3000=1", "particulars_id", 53, 11),
    ("person_particulars", "name_roman", "\t\r\n", "particulars_id", 53, 12),
    ("person_particulars", "name_roman", 'A "QUOTED", NAME', "particulars_id", 53, 13),
    ("person_particulars", "name_roman", "N" * 200, "particulars_id", 53, 14),
    ("person_particulars", "name_kanji", "\u00e9\u00e8", "particulars_id", 53, 15),
    ("person_particulars", "nationality", "Vietnam", "particulars_id", 53, 16),
    ("person_particulars", "sex", "X", "particulars_id", 53, 17),
    ("person_particulars", "name_roman", "", "particulars_id", 53, 18),
    ("person_particulars", "name_roman", "＠", "particulars_id", 53, 19),
    ("person_particulars", "name_kanji", "－1", "particulars_id", 53, 20),
    ("employers", "representative", "悪\x7f\x85", "employer_id", 13, 1),
    ("employers", "phone", "=1+1", "employer_id", 13, 2),
    ("employers", "phone", "+81-3-1234-5678", "employer_id", 13, 3),
    ("employers", "phone", "+cmd|'/C calc'!A0", "employer_id", 13, 4),
    ("employers", "address", "東京都千代田区1-1 ハイツ＝青葉", "employer_id", 13, 5),
    ("employers", "name", "", "employer_id", 13, 6),
    ("employers", "name", "-株式会社", "employer_id", 13, 7),
    ("employers", "corporate_number", "1234567890123", "employer_id", 13, 8),
    ("employers", "representative", "\u200f", "employer_id", 13, 9),
    ("residence_notifications", "address", "@SUM(EVIL)", "notification_id", 37, 1),
    ("residence_notifications", "municipality_code", "13101", "notification_id", 37, 2),
    ("residence_notifications", "address", None, "notification_id", 37, 3),
    ("residence_notifications", "address", "\u3000", "notification_id", 37, 4),
    ("status_permissions", "period_months", 0, "permission_id", 41, 3),
    ("status_permissions", "ssw_field", "宇宙", "permission_id", 41, 4),
    ("status_permissions", "ssw_field", "素形材産業", "permission_id", 41, 5),
    ("status_permissions", "relationship", "", "permission_id", 41, 6),
    ("status_permissions", "period_months", None, "permission_id", 41, 7),
    ("status_permissions", "period_months", -5, "permission_id", 41, 10),
    ("departures", "port", "=HYPERLINK", "departure_id", 19, 1),
    ("departures", "port", " ", "departure_id", 19, 2),
    ("residence_cards", "card_number", "ab12345678cd", "card_id", 29, 1),
    ("residence_cards", "card_number", None, "card_id", 29, 2),
]
DATES = [  # (table, column, value, id column, modulus, remainder): dates, bound in each database's form
    ("person_particulars", "birth_date", date(1899, 12, 31), "particulars_id", 53, 21),
    ("person_particulars", "birth_date", date(2026, 5, 31), "particulars_id", 53, 22),
    ("status_permissions", "expires_on", date(2019, 1, 1), "permission_id", 41, 11),
    ("status_permissions", "permitted_on", date(2026, 6, 15), "permission_id", 41, 12),
    ("status_permissions", "permitted_on", date(2100, 1, 1), "permission_id", 41, 13),
    ("residence_cards", "issued_on", date(2026, 7, 1), "card_id", 29, 3),
]
SQLITE_ONLY = [  # values SQLite keeps as given and PostgreSQL's types refuse
    ("person_particulars", "name_roman", "EVIL\x00", "particulars_id", 53, 23),
    ("person_particulars", "name_roman", "E" * 10_000, "particulars_id", 53, 24),
    ("person_particulars", "name_roman", b"EVIL", "particulars_id", 53, 25),
    ("person_particulars", "name_kanji", b"", "particulars_id", 53, 26),
    ("status_permissions", "period_months", 12.7, "permission_id", 41, 8),
    ("status_permissions", "period_months", "１２", "permission_id", 41, 9),
    ("status_permissions", "period_months", "12.0", "permission_id", 41, 14),
    ("employers", "phone", 312345678, "employer_id", 13, 10),
]
# Rows corrected in the source after April's run (the next month delivers them from the held rows).
FIXES = [
    ("person_particulars", "name_roman", "CORRECTED NAME", "particulars_id", 53, 1),
    ("employers", "phone", "03-0000-0000", "employer_id", 13, 2),
]


def _update(engine: Engine, changes) -> None:
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        for table, column, value, key, modulus, remainder in changes:
            if sqlite and isinstance(value, date):
                value = value.isoformat()
            conn.execute(
                text(f"UPDATE {table} SET {column} = :v WHERE {key} % {modulus} = {remainder}"),  # noqa: S608
                {"v": value},
            )


def build(engine: Engine, staging: Path) -> None:
    """Seed, corrupt, and publish April, May and June (cp932, carrying held rows) and May (UTF-8 with BOM)."""
    synthetic.seed(engine, [APRIL, MAY, JUNE], EVENTS, random_seed=RANDOM_SEED, bad_rate=BAD_RATE)
    _update(engine, BOTH + DATES + (SQLITE_ONLY if engine.dialect.name == "sqlite" else []))
    package.run_month(engine, APRIL, staging / "cp932")
    _update(engine, FIXES)
    package.run_month(engine, MAY, staging / "cp932")
    package.run_month(engine, JUNE, staging / "cp932")
    package.run_month(engine, MAY, staging / "utf-8-bom", encoding="utf-8-bom")


def digests(staging: Path) -> dict[str, str]:
    """SHA-256 of every file of every published package under ``staging``, by relative path."""
    return {
        str(path.relative_to(staging)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(staging.glob("*/[0-9]*/*"))
    }


def main() -> None:  # pragma: no cover - run by hand to regenerate the reference
    import tempfile
    import uuid

    from databases import PG_URL

    from ssw_linkage import source

    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        engines = {"sqlite": source.connect(f"sqlite:///{tmp}/source.db")}
        schema = f"ssw_ref_{uuid.uuid4().hex[:12]}"
        admin = source.connect(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engines["postgresql"] = source.connect(f"{PG_URL}?options=-csearch_path%3D{schema}")
        try:
            for name, engine in engines.items():
                build(engine, Path(tmp) / name)
                result[name] = digests(Path(tmp) / name)
                engine.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    if "--write" in sys.argv:
        REFERENCE.parent.mkdir(exist_ok=True)
        REFERENCE.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps({k: len(v) for k, v in result.items()}))


if __name__ == "__main__":
    main()
