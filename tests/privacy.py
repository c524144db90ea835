"""Personal data of a source, to search for where it must never appear."""

from __future__ import annotations

from sqlalchemy import text

from ssw_linkage import source


def personal_values(url: str, min_length: int = 6) -> set[str]:
    """Every name, card number, birth date and address in the source (long enough to search for), employers'
    representatives included."""
    engine = source.connect(url)
    # A birth date after the source's first permission (a child born in Japan) falls in the months that runs
    # name themselves (logical dates, windows) and cannot be told from them: only earlier ones are searched.
    queries = (
        "SELECT name_roman, name_kanji, NULL FROM person_particulars",
        "SELECT birth_date, NULL, NULL FROM person_particulars "
        "WHERE birth_date < (SELECT MIN(permitted_on) FROM status_permissions)",
        "SELECT card_number, card_number, card_number FROM residence_cards",
        "SELECT address, address, address FROM residence_notifications",
        "SELECT representative, NULL, NULL FROM employers",
    )
    with engine.connect() as conn:
        values = {str(v) for q in queries for row in conn.execute(text(q)) for v in row if v}
    engine.dispose()
    return {v for v in values if len(v) >= min_length}


def leaked(url: str, *texts: str) -> list[str]:
    said = "\n".join(texts)
    return [v for v in personal_values(url) if v in said]
