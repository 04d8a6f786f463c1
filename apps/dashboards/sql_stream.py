"""Listing exports read straight from SQL: a row count, then rows from a server-side cursor."""

from collections.abc import Iterator

from django.db import connection, transaction


def count_rows(sql: str, params: dict) -> int:
    """How many rows the listing's query returns."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS rows", params)
        return cursor.fetchone()[0]


def stream_rows(sql: str, params: dict, cursor_name: str) -> Iterator[list]:
    """The query's rows, fetched in batches from a named cursor so memory stays flat."""
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor(name=cursor_name) as cursor:
            cursor.itersize = 2000
            cursor.execute(sql, params)
            for row in cursor:
                yield list(row)


def listing(variables: list, sql: str, params: dict, cursor_name: str) -> tuple:
    """A listing export's variables, its rows (streamed) and how many there are."""
    return variables, stream_rows(sql, params, cursor_name), count_rows(sql, params)
