"""Progress of a build that counts inside a read-only transaction, written where pages see it.

The counting runs in one REPEATABLE READ, READ ONLY transaction (snapshots._one_read_of_the_data),
whose own writes would be refused and stay invisible until it ended; so progress goes through a
connection of its own, committed at once. Inside a caller's transaction (a test, a command run
in one) the counting joins it, and progress is written there.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.utils import timezone

ProgressCallback = Callable[[int], None]


@contextmanager
def progress_outside_the_counting(
    model: type[Model], row_id: int, status: str, *, top: int = 100, heartbeat: bool = False
) -> Iterator[ProgressCallback]:
    """A callback setting the row's progress (0-`top`) while it still has `status`; with
    `heartbeat`, also its updated_at (the sign a worker is still on it)."""
    if connection.in_atomic_block:
        rows = model.objects.filter(id=row_id, status=status)

        def store_here(percent: int) -> None:
            extra = {"updated_at": timezone.now()} if heartbeat else {}
            rows.update(progress=max(0, min(top, percent)), **extra)

        yield store_here
        return
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    table = own.ops.quote_name(model._meta.db_table)
    touch = ", updated_at = %s" if heartbeat else ""
    sql = f"UPDATE {table} SET progress = %s{touch} WHERE id = %s AND status = %s"

    def store(percent: int) -> None:
        params = [max(0, min(top, percent)), *([timezone.now()] if heartbeat else [])]
        with own.cursor() as cursor:
            cursor.execute(sql, [*params, row_id, status])

    try:
        yield store
    finally:
        own.close()
