"""ssw_monthly_provision end to end with dag.test(), on SQLite and PostgreSQL, and its failure alert."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path

import pendulum
import pytest
from package_checks import assert_valid_package
from privacy import leaked

from ssw_linkage import package, source, synthetic
from ssw_linkage.months import DataMonth

MONTHS = DataMonth(2026, 4).until(DataMonth(2026, 6))


def run(dag, month: str, **kwargs):
    return dag.test(logical_date=pendulum.parse(f"{month}-15T12:00:00+09:00"), **kwargs)


def same_files(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return sorted(match) == names and not mismatch and not errors and names == sorted(p.name for p in b.iterdir())


def test_sqlite_months_in_either_order_match_the_cli_runs_in_the_same_order(
    provision_dag, sqlite_source, mail, tmp_path, monkeypatch, capsys, caplog
):
    engine = source.connect(sqlite_source)
    synthetic.seed(engine, MONTHS, 2_000, bad_rate=0.02)
    for order, staging in ((("2026-05", "2026-06"), "forward"), (("2026-06", "2026-05"), "reverse")):
        monkeypatch.setenv("AIRFLOW_VAR_SSW_STAGING_DIR", str(tmp_path / staging))
        for month in order:
            assert run(provision_dag, month).state == "success"
    may, june = DataMonth(2026, 5), DataMonth(2026, 6)
    for month in (may, june):  # in order: June re-checks the rows May held
        package.run_month(engine, month, tmp_path / "cli")
        assert_valid_package(tmp_path / "forward" / month.compact)
        assert same_files(tmp_path / "forward" / month.compact, tmp_path / "cli" / month.compact)
    assert package.run_month(engine, june, tmp_path / "june_alone")["totals"]["carried_over"] == 0
    assert same_files(tmp_path / "reverse" / june.compact, tmp_path / "june_alone" / june.compact)
    assert same_files(tmp_path / "reverse" / may.compact, tmp_path / "cli" / may.compact)
    out = capsys.readouterr()
    mails = [m.as_string() for m in mail.messages]
    log_files = [p.read_text(errors="replace") for p in Path(os.environ["AIRFLOW_HOME"]).rglob("*.log")]
    said = [out.out, out.err, caplog.text, *log_files, *mails, *xcom_values(provision_dag.dag_id)]
    assert "extracted" in out.out and leaked(sqlite_source, *said) == []


def xcom_values(dag_id: str) -> list[str]:
    """Every XCom value the DAG's runs left in the metadata database."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        values = session.scalars(select(XComModel.value).where(XComModel.dag_id == dag_id)).all()
    assert values, "no XCom found: the search would be vacuous"
    return [str(v) for v in values]


def test_postgresql_source(provision_dag, pg_database, mail, tmp_path):
    synthetic.seed(source.connect(pg_database), MONTHS, 2_000)
    assert run(provision_dag, "2026-05").state == "success"
    manifest = assert_valid_package(tmp_path / "staging" / "202605")
    assert manifest["data_month"] == "2026-05" and manifest["totals"]["extracted"] > 0


@pytest.fixture
def no_retries(provision_dag):
    """Fail on the first try (dag.test() would otherwise wait out the retry delay)."""
    for task in provision_dag.tasks:
        task.retries = 0
    yield provision_dag
    for task in provision_dag.tasks:
        task.retries = 2


def test_broken_source_fails_the_run_and_mails_the_oncall_in_japanese(no_retries, sqlite_source, mail, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_SSW_SOURCE", '{"conn_type": "sqlite", "host": "/nonexistent/dir/source.db"}')
    assert run(no_retries, "2026-05").state == "failed"
    subjects = [m["Subject"] for m in mail.messages]
    failures = [m for m in mail.messages if "処理失敗" in m["Subject"]]
    (late,) = [m for m in mail.messages if "期限超過" in m["Subject"]]  # once, though three sensors ran
    assert failures and all(m["To"] == "oncall@isa.example" for m in mail.messages), subjects
    assert all("2026-05" in m["Subject"] for m in failures)
    assert "2026-05分" in late["Subject"] and "2026-06-29（月）" in late["Subject"]
    for message in mail.messages:
        body = message.get_body(("html", "plain")).get_content()
        assert "対象月" in body and "2026-05" in body and "個人情報を含めていません" in body


def test_a_month_that_is_not_over_is_refused(no_retries, sqlite_source, mail, tmp_path):
    synthetic.seed(source.connect(sqlite_source), MONTHS, 200)
    this_month = DataMonth.of(pendulum.now("UTC"))
    # the deadline sensors of a current month would wait for weeks: not what this test is about
    assert run(no_retries, str(this_month), mark_success_pattern="deadline_.*").state == "failed"
    assert not (tmp_path / "staging" / this_month.compact).exists()
