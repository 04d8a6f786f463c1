"""Run in a subprocess by the outage tests: GET/POST each URL given, print what came back.

The process has its own settings (a database or Redis at a dead address), so the outage is real
(psycopg's connection refused, not a mock) and the test run's own connections are untouched.
Usage: python -m tests.core.outage_client '<json list of [method, path, headers]>'
"""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main(requests: list) -> list[dict]:
    """Send each request; status, headers, body and seconds taken for each."""
    setup_test_environment()
    client = Client(raise_request_exception=False)
    out = []
    for method, path, headers in requests:
        started = time.monotonic()
        response = getattr(client, method.lower())(path, headers=headers)
        out.append(
            {
                "method": method,
                "path": path,
                "status": response.status_code,
                "headers": dict(response.headers),
                "body": response.content.decode(),
                "seconds": time.monotonic() - started,
            }
        )
    return out


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
