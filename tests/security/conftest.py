"""Security suite fixtures: the World (tests/security/world.py) and a changes counter."""

import pytest
from django.db import connection

from tests.security.world import World, build_world

# Tables that change on every request by design: the session (its idle clock) and
# django-axes' access records (sign-in attempts).
NOISY_TABLES = ("django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog")


@pytest.fixture
def world(site_a, site_b, pwp_a, pwp_b, trial_manager, settings, tmp_path) -> World:
    settings.EXPORT_ROOT = tmp_path
    settings.PATIENT_LINK_RATE_LIMIT = "100000/m"
    return build_world(
        site_a=site_a, site_b=site_b, pwp_a=pwp_a, pwp_b=pwp_b, trial_manager=trial_manager
    )


def writes_so_far() -> dict[str, int]:
    """Rows inserted, updated and deleted per table in this test's transaction so far
    (PostgreSQL's pg_stat_xact_user_tables), leaving out the tables that change by design."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 AND NOT relname = ANY(%s)",
            [list(NOISY_TABLES)],
        )
        return dict(cursor.fetchall())


@pytest.fixture
def changes():
    """Call before and after a request: `changes.start()`, then `changes.since()` lists the
    tables written meanwhile."""

    class Counter:
        def start(self) -> None:
            self.before = writes_so_far()

        def since(self) -> dict[str, int]:
            after = writes_so_far()
            return {
                t: n - self.before.get(t, 0) for t, n in after.items() if n != self.before.get(t, 0)
            }

    return Counter()
