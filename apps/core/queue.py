"""Queue a Celery task by its registered name once the transaction commits.

Services queue work this way instead of importing their app's tasks module, because the tasks
import the services: the dependency runs one way, tasks -> services.

The database row a task works on is its outbox: when the broker cannot be reached the send is
skipped with a warning and the request goes on; a beat sweep queues the row's task again
(docs/decisions.md, "Dependency outages"). The web process never reads task results, so nothing is
subscribed to the result backend (one Redis round trip less to wait for when it hangs).
"""

import logging

import kombu.exceptions
import redis
from celery import current_app
from django.db import transaction

from apps.core import circuit

logger = logging.getLogger(__name__)

BROKER_UNREACHABLE = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
)
BREAKER = "celery-broker"


def registered_task(task_name: str):
    """The task called `task_name`, importing the apps' tasks modules first if need be.

    A web process never runs the worker's start-up, which is what imports the tasks modules
    (autodiscovery); without this a task queued from a request is not registered.
    """
    if task_name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[task_name]


def send_task(task_name: str, *args) -> bool:
    """Send `task_name` now; False (and a warning) when the broker cannot be reached."""
    if circuit.is_open(BREAKER):
        logger.warning("Broker unreachable: %s not queued; a beat sweep queues it", task_name)
        return False
    try:
        registered_task(task_name).apply_async(args, ignore_result=True)
    except BROKER_UNREACHABLE as exc:
        circuit.trip(BREAKER)
        logger.warning(
            "Broker unreachable: %s not queued (%s); a beat sweep queues it",
            task_name,
            type(exc).__name__,
        )
        return False
    circuit.reset(BREAKER)
    return True


def enqueue_on_commit(task_name: str, *args) -> None:
    """Send `task_name` with `args` after the current transaction commits (now, outside one)."""
    transaction.on_commit(lambda: send_task(task_name, *args))


def enqueue_once_on_commit(task_name: str, *args) -> None:
    """As enqueue_on_commit, but one send per task and arguments per transaction: a write that
    stores several measures for a participant queues that participant's checks once."""
    connection = transaction.get_connection()
    key = (task_name, args)
    # Django keeps the callbacks still to run in `run_on_commit` and drops those of a rolled-back
    # block, so a key is pending exactly while its callback is listed there.
    if any(getattr(entry[1], "queue_key", None) == key for entry in connection.run_on_commit):
        return

    def send() -> None:
        send_task(task_name, *args)

    send.queue_key = key
    transaction.on_commit(send)
