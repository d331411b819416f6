"""The test infrastructure itself: a real PostgreSQL server is reachable."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def test_pg_url_is_a_real_postgresql_server(pg_url: str) -> None:
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("select version()")).scalar_one()
    finally:
        engine.dispose()
    assert "PostgreSQL" in version


def test_fresh_pg_url_is_a_separate_empty_database(fresh_pg_url: str) -> None:
    engine = create_engine(fresh_pg_url)
    try:
        with engine.connect() as conn:
            name = conn.execute(text("select current_database()")).scalar_one()
            tables = conn.execute(
                text("select count(*) from information_schema.tables where table_schema = 'public'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert name.startswith("gwtest_")
    assert tables == 0
