"""Queue a Celery task by its registered name once the transaction commits.

Services queue work this way instead of importing their app's tasks module, because the tasks
import the services: the dependency runs one way, tasks -> services.
"""

from celery import current_app
from django.db import transaction


def enqueue_on_commit(task_name: str, *args, robust: bool = False) -> None:
    """Send `task_name` with `args` after the current transaction commits (now, outside one)."""
    transaction.on_commit(lambda: current_app.tasks[task_name].delay(*args), robust=robust)
