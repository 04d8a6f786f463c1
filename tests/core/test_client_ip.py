"""Client address trust: X-Forwarded-For is believed only from the proxies named in
QUITPILOT_TRUSTED_PROXIES, so a direct client cannot pick its address and clients behind the
proxy do not share one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.client_ip import client_ip_address, client_ip_from, parse_trusted_proxies
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token/"
PROXY = "172.30.0.10"  # the compose proxy's address (docker-compose.yml, network "edge")
PROXY_NET = ["172.30.0.0/24"]
DIRECT = "198.51.100.9"  # a client reaching gunicorn without the proxy


def sign_in(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def nets(*entries):
    return parse_trusted_proxies(tuple(entries))


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        # No trusted proxy: the header is ignored altogether.
        ("10.0.0.1", "", (), "10.0.0.1"),
        ("10.0.0.1", "203.0.113.5", (), "10.0.0.1"),
        # Connection from a proxy we do not trust: its header is a client's word.
        ("198.51.100.9", "203.0.113.5", ("10.0.0.0/8",), "198.51.100.9"),
        # From the trusted proxy: the address it saw.
        ("10.0.0.1", "203.0.113.5", ("10.0.0.1",), "203.0.113.5"),
        # A client's own entries left of the proxy's are ignored.
        ("10.0.0.1", "6.6.6.6, 203.0.113.5", ("10.0.0.0/8",), "203.0.113.5"),
        # Two trusted hops: walk past both to the first untrusted address.
        ("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.1", ("10.0.0.0/8",), "203.0.113.5"),
        # A trusted proxy that sent no header: the proxy is the client we know.
        ("10.0.0.1", "", ("10.0.0.0/8",), "10.0.0.1"),
        # Garbage in a hop ends the walk at the proxy that passed it on.
        ("10.0.0.1", "not-an-ip", ("10.0.0.0/8",), "10.0.0.1"),
        ("10.0.0.2", "203.0.113.5, bogus, 10.0.0.1", ("10.0.0.0/8",), "10.0.0.1"),
        # IPv6 proxies and clients, and IPv4 seen through an IPv4-mapped socket.
        ("fd00::1", "2001:db8::7", ("fd00::/8",), "2001:db8::7"),
        ("::ffff:10.0.0.1", "203.0.113.5", ("10.0.0.0/8",), "203.0.113.5"),
    ],
)
def test_the_walk_stops_at_the_first_address_that_is_not_our_proxy(
    remote, forwarded, trusted, expected
):
    assert (
        client_ip_from(remote_addr=remote, forwarded_for=forwarded, trusted=nets(*trusted))
        == expected
    )


def test_a_malformed_trusted_proxy_entry_names_the_setting():
    with pytest.raises(ImproperlyConfigured, match="QUITPILOT_TRUSTED_PROXIES: 'proxy'"):
        parse_trusted_proxies(("172.30.0.0/24", "proxy"))


def test_a_malformed_entry_stops_start_up():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "QUITPILOT_TRUSTED_PROXIES": "10.0.0.0/8,nginx",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "QUITPILOT_TRUSTED_PROXIES: 'nginx' is not an IP address" in result.stderr


@override_settings(TRUSTED_PROXIES=PROXY_NET)
def test_client_ip_address_reads_the_setting():
    factory = RequestFactory()
    behind = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.4")
    direct = factory.get("/", REMOTE_ADDR=DIRECT, HTTP_X_FORWARDED_FOR="203.0.113.4")
    assert client_ip_address(behind) == "203.0.113.4"
    assert client_ip_address(direct) == DIRECT


# --- Failure mode 1: gunicorn reached directly, X-Forwarded-For forged and rotated -------------
# Today's main trusted a proxy COUNT (AXES_IPWARE_PROXY_COUNT): with it set to 1 for the proxy,
# anyone reaching gunicorn directly chose their own address per request. The old setting is
# given here too, to prove it no longer opens that door.


@pytest.fixture
def direct_with_old_count(settings):
    """The proxy configured, and the retired proxy count too, while a client connects directly.

    Set through pytest-django's settings fixture (not a decorator) so the test's own settings
    changes are undone in the right order.
    """
    settings.TRUSTED_PROXIES = PROXY_NET
    settings.AXES_IPWARE_PROXY_COUNT = 1


def test_direct_client_rotating_forwarded_for_is_still_locked_out(
    direct_with_old_count, client, pwp_a
):
    for i in range(5):
        sign_in(
            client,
            pwp_a.email,
            "wrong-password-1",
            REMOTE_ADDR=DIRECT,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {DIRECT}
    again = sign_in(
        client, pwp_a.email, PASSWORD, REMOTE_ADDR=DIRECT, HTTP_X_FORWARDED_FOR="203.0.113.99"
    )
    assert again.status_code == 429


def test_direct_client_rotating_forwarded_for_meets_the_link_limit(
    direct_with_old_count, db, client, settings
):
    settings.PATIENT_LINK_RATE_LIMIT = "2/m"
    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        codes = [
            client.get(
                f"/q/guess{i}/", REMOTE_ADDR=DIRECT, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
            ).status_code
            for i in range(3)
        ]
    assert codes == [404, 404, 429]


def test_direct_client_rotating_forwarded_for_meets_the_token_throttle(
    direct_with_old_count, db, settings
):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    api = APIClient()
    body = {"email": "nobody@nhs.test", "password": "x"}
    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        statuses = [
            api.post(
                TOKEN_URL, body, REMOTE_ADDR=DIRECT, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
            ).status_code
            for n in range(3)
        ]
    assert statuses == [400, 400, 429]


# --- Failure mode 2: behind the proxy every client shared the proxy's address -----------------
# With the count at its default 0, the proxy's address was everyone's: five bad passwords from
# one person locked every colleague out of that account, and one busy client used up everyone's
# limits.


@pytest.fixture
def behind_proxy(settings):
    """Requests arrive from the compose proxy, which names the client in X-Forwarded-For."""
    settings.TRUSTED_PROXIES = PROXY_NET


def test_behind_the_proxy_lockout_is_per_real_client(behind_proxy, client, pwp_a):
    via_proxy = {"REMOTE_ADDR": PROXY}
    for _ in range(5):
        sign_in(
            client,
            pwp_a.email,
            "wrong-password-1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **via_proxy,
        )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    attacker = sign_in(
        client, pwp_a.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy
    )
    assert attacker.status_code == 429
    colleague = sign_in(
        client, pwp_a.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", **via_proxy
    )
    assert colleague.status_code == 302


def test_behind_the_proxy_each_client_has_its_own_link_limit(behind_proxy, db, client, settings):
    settings.PATIENT_LINK_RATE_LIMIT = "2/m"

    def get(i, who):
        return client.get(f"/q/guess{i}/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=who).status_code

    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        busy = [get(i, "203.0.113.20") for i in range(3)]
        other = get(9, "203.0.113.21")
    assert busy == [404, 404, 429]
    assert other == 404


def test_behind_the_proxy_each_client_has_its_own_token_throttle(behind_proxy, db, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    api = APIClient()
    body = {"email": "nobody@nhs.test", "password": "x"}

    def post(who):
        return api.post(TOKEN_URL, body, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=who).status_code

    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        busy = [post("203.0.113.30") for _ in range(3)]
        other = post("203.0.113.31")
    assert busy == [400, 400, 429]
    assert other == 400
