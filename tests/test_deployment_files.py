"""The deployment files agree with the code: every service is health-checked, every command points
at something that exists, and .env.example names every variable the settings read. Also the
deployment's invariants: only the proxy is published, the proxy owns X-Forwarded-For and is the
only address Django trusts for it, exactly one beat, a non-root image that checks its settings."""

import ipaddress
import re
import runpy
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
APP_SERVICES = ("web", "worker", "beat")
NGINX_CONF = ROOT / "deploy" / "nginx" / "quitpilot.conf"
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"

# env("X"), env.bool("X"), env.db("X", ...), os.environ.get("X"), os.getenv("X"), os.environ["X"]
ENV_READ = re.compile(
    r"""(?:\benv(?:\.\w+)?\(|os\.environ\.get\(|os\.getenv\(|os\.environ\[)\s*["']([A-Z][A-Z0-9_]*)["']"""
)
# ${VAR}, ${VAR:-default}, ${VAR:?message}; $${VAR} is a literal for the container's shell.
COMPOSE_VAR = re.compile(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def command_words(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(w) for w in command]


def settings_variables() -> set[str]:
    names = set()
    for path in [*(ROOT / "config" / "settings").glob("*.py"), GUNICORN_CONF]:
        names |= set(ENV_READ.findall(path.read_text()))
    return names


def env_example_names() -> set[str]:
    pattern = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
    return set(pattern.findall(ENV_EXAMPLE.read_text()))


def test_compose_defines_the_six_services(compose):
    assert set(compose["services"]) == {"proxy", "postgres", "redis", *APP_SERVICES}


def test_every_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no healthcheck"
        assert check.get("disable") is not True, f"{name} disables its healthcheck"


def test_app_services_build_from_the_dockerfile_and_read_env_file(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        build = service["build"]
        context = ROOT / build.get("context", ".")
        assert (context / build.get("dockerfile", "Dockerfile")).is_file(), name
        env_files = service["env_file"]
        env_files = [env_files] if isinstance(env_files, str) else env_files
        assert ".env" in [f if isinstance(f, str) else f["path"] for f in env_files], name
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.prod", name


def test_dockerfile_entrypoint_exists_and_prepares_the_web_server():
    dockerfile = (ROOT / "Dockerfile").read_text()
    entry = re.search(r'^ENTRYPOINT \["([^"]+)"', dockerfile, re.MULTILINE)
    assert entry, "Dockerfile has no exec-form ENTRYPOINT"
    script = ROOT / entry.group(1).removeprefix("/app/")
    assert script.is_file(), f"entrypoint {script} is missing"
    text = script.read_text()
    assert "migrate --noinput" in text and "collectstatic --noinput" in text
    assert 'exec "$@"' in text
    # Unsafe production settings stop the container before anything touches the database.
    check = text.index("manage.py check --deploy --fail-level WARNING")
    assert check < text.index("manage.py migrate")
    assert re.search(r"^set -[a-z]*e", text, re.MULTILINE), "a failed check must stop the script"


def test_web_runs_gunicorn_on_the_wsgi_application(compose):
    words = command_words(compose["services"]["web"])
    assert words[0] == "gunicorn"
    conf = words[words.index("-c") + 1]
    assert ROOT / conf == GUNICORN_CONF and GUNICORN_CONF.is_file()
    app_words = [w for w in words[1:] if not w.startswith("-") and w != conf]
    module, _, attribute = app_words[0].partition(":")
    wsgi = ROOT / (module.replace(".", "/") + ".py")
    assert wsgi == ROOT / "config" / "wsgi.py" and wsgi.is_file()
    assert re.search(rf"^{attribute or 'application'}\s*=", wsgi.read_text(), re.MULTILINE)
    bind = runpy.run_path(str(GUNICORN_CONF))["bind"]
    assert bind.endswith(":8000"), "gunicorn must bind the port the healthcheck and proxy use"
    assert "8000" in compose["services"]["web"]["expose"]


@pytest.mark.parametrize(("service", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_celery_services_point_at_the_celery_app(compose, service, subcommand):
    words = command_words(compose["services"][service])
    assert words[0] == "celery" and subcommand in words
    app_module = words[words.index("-A") + 1]
    assert app_module == "config"
    celery_py = ROOT / "config" / "celery.py"
    assert celery_py.is_file()
    assert re.search(r"^app\s*=\s*Celery\(", celery_py.read_text(), re.MULTILINE)
    assert "celery_app" in (ROOT / "config" / "__init__.py").read_text()


def test_app_services_wait_for_healthy_dependencies(compose):
    for name in APP_SERVICES:
        depends = compose["services"][name]["depends_on"]
        assert "redis" in depends, name
        for dependency in depends.values():
            assert dependency["condition"] == "service_healthy", name


def test_env_example_names_every_variable_the_settings_read():
    read = settings_variables()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY"} <= read  # the scan works
    missing = read - env_example_names()
    assert not missing, f".env.example does not mention: {sorted(missing)}"


def test_env_example_names_every_variable_compose_interpolates():
    used = set(COMPOSE_VAR.findall(COMPOSE.read_text()))
    missing = used - env_example_names()
    assert not missing, f".env.example does not mention: {sorted(missing)}"


# --- the proxy, and who is published ---------------------------------------------------------


def nginx_directives(name: str) -> list[str]:
    """The arguments of every `name ...;` directive in the proxy's config (comments dropped)."""
    text = re.sub(r"#[^\n]*", "", NGINX_CONF.read_text())
    return [m.strip() for m in re.findall(rf"(?:^|[;{{}}\s]){name}\s+([^;]*);", text)]


def test_only_the_proxy_is_published(compose):
    published = {name for name, svc in compose["services"].items() if svc.get("ports")}
    assert published == {"proxy"}
    for name, service in compose["services"].items():
        assert service.get("network_mode") != "host", f"{name} must not share the host network"
    targets = {str(p).rsplit(":", 1)[-1] for p in compose["services"]["proxy"]["ports"]}
    assert targets == {"80", "443"}


def test_gunicorn_is_reachable_from_the_proxy_only(compose):
    services = compose["services"]
    on_edge = {name for name, svc in services.items() if "edge" in (svc.get("networks") or [])}
    assert on_edge == {"proxy", "web"}
    upstreams = nginx_directives("server")
    assert "web:8000" in upstreams, "the proxy must pass requests to gunicorn on web:8000"


def test_django_trusts_exactly_the_proxy_for_x_forwarded_for(compose):
    proxy_address = compose["services"]["proxy"]["networks"]["edge"]["ipv4_address"]
    subnet = compose["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)
    for name in APP_SERVICES:
        trusted = compose["services"][name]["environment"]["QUITPILOT_TRUSTED_PROXIES"]
        assert trusted == proxy_address, name
    assert compose["services"]["web"]["environment"]["FORWARDED_ALLOW_IPS"] == proxy_address


def test_the_proxy_overwrites_x_forwarded_for_and_sets_the_scheme():
    headers = nginx_directives("proxy_set_header")
    forwarded_for = [h.split(None, 1)[1] for h in headers if h.startswith("X-Forwarded-For ")]
    # $remote_addr replaces whatever the client sent; $proxy_add_x_forwarded_for would append
    # to it, handing a forged address to Django.
    assert forwarded_for and set(forwarded_for) == {"$remote_addr"}
    assert "$proxy_add_x_forwarded_for" not in NGINX_CONF.read_text()
    assert "X-Forwarded-Proto $scheme" in headers
    assert 'Forwarded ""' in headers, "a client's RFC 7239 Forwarded header is dropped"
    assert nginx_directives("ssl_certificate") == ["/etc/nginx/tls/fullchain.pem"]


def logged_uri(uri: str) -> str:
    """What the proxy's access log writes for a request URI, from its own `map` (nginx PCRE
    named groups read by Python's re)."""
    block = re.search(
        r"map \$request_uri \$quitpilot_logged_uri \{(.*?)\}", NGINX_CONF.read_text(), re.S
    )
    assert block, "the access log's URI map is missing"
    for line in block.group(1).strip().splitlines():
        pattern, replacement = line.strip().rstrip(";").rsplit(None, 1)
        pattern = pattern.strip('"')
        if pattern == "default":
            continue
        found = re.match(pattern.removeprefix("~").replace("(?<", "(?P<"), uri)
        if found:
            return re.sub(r"\$(\w+)", lambda m, g=found: g.group(m.group(1)) or "", replacement)
    return uri


@pytest.mark.parametrize(
    ("uri", "logged"),
    [
        ("/q/Zq3-x_9AbC/", "/q/<token>/"),
        ("/q/Zq3-x_9AbC/phq9?step=2", "/q/<token>/phq9"),
        ("/q/Zq3-x_9AbC", "/q/<token>"),
        ("/accounts/reset/MTI/c3h1ab-9f8e7d6c5b4a/", "/accounts/reset/<token>/"),
        ("/accounts/reset/MTI/set-password/", "/accounts/reset/<token>/"),
        ("/participants/BRS-0001/", "/participants/BRS-0001/"),
    ],
)
def test_the_proxy_access_log_drops_link_and_reset_tokens(uri, logged):
    assert logged_uri(uri) == logged
    log_format = NGINX_CONF.read_text().split("log_format quitpilot", 1)[1].split(";", 1)[0]
    assert "$quitpilot_logged_uri" in log_format
    for leaky in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer"):
        assert leaky not in log_format + " ", leaky
    assert set(nginx_directives("access_log")) <= {"/dev/stdout quitpilot", "off"}
    assert nginx_directives("error_log") == ["/dev/stderr crit"]


# --- services --------------------------------------------------------------------------------


def test_exactly_one_beat(compose):
    beats = [n for n, svc in compose["services"].items() if "beat" in command_words(svc)]
    assert beats == ["beat"]
    beat = compose["services"]["beat"]
    assert beat.get("container_name"), "a fixed container name makes --scale beat=2 fail"
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert "scale" not in beat
    # The worker must not run an embedded beat (-B / --beat) either.
    worker = command_words(compose["services"]["worker"])
    assert "-B" not in worker and "--beat" not in worker


def test_worker_concurrency_is_set(compose):
    words = command_words(compose["services"]["worker"])
    concurrency = [w for w in words if w.startswith("--concurrency=")]
    assert concurrency == ["--concurrency=${CELERY_WORKER_CONCURRENCY:-2}"]


def test_health_checks_use_the_health_endpoints(compose):
    def check_text(name):
        return " ".join(str(w) for w in compose["services"][name]["healthcheck"]["test"])

    assert "'/healthz'" in check_text("web")
    assert "/readyz" in check_text("proxy")
    assert "inspect ping" in check_text("worker")
    assert "pg_isready" in check_text("postgres")
    assert "redis-cli" in check_text("redis") and "ping" in check_text("redis")
    readyz = re.search(r"location = /readyz \{(.*?)\}", NGINX_CONF.read_text(), re.S).group(1)
    assert "proxy_pass http://quitpilot_web/readyz" in readyz
    assert "listen 127.0.0.1:8081" in NGINX_CONF.read_text(), "health listener is loopback-only"


def test_data_survives_restarts(compose):
    services = compose["services"]
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    redis = command_words(services["redis"])
    assert redis[redis.index("--appendonly") + 1] == "yes"
    assert "redis-data:/data" in services["redis"]["volumes"]
    assert set(compose["volumes"]) >= {"postgres-data", "redis-data", "app-var"}


# --- the image -------------------------------------------------------------------------------


def dockerfile_stages() -> list[str]:
    text = (ROOT / "Dockerfile").read_text()
    return re.split(r"^FROM ", text, flags=re.MULTILINE)[1:]


def test_image_is_slim_non_root_and_has_no_dev_tools():
    stages = dockerfile_stages()
    final = stages[-1]
    assert all(re.match(r"python:3\.\d+-slim", stage) for stage in stages)
    user = re.findall(r"^USER (\S+)", final, re.MULTILINE)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    text = (ROOT / "Dockerfile").read_text()
    for tool in ("build-essential", "gcc", "[dev", "dev]", ".[embedded", "playwright", "pytest"):
        assert tool not in text, f"the image must not install {tool}"
    assert "--no-install-recommends" in final and "rm -rf /var/lib/apt/lists" in final
    assert "COPY --from=" in final, "the final stage takes the installed virtualenv only"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", "tests", "*.pem"} <= set(ignored)


# --- validation by Compose itself ------------------------------------------------------------

SERVICE_KEYS = frozenset(
    """annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command
    configs container_name cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period
    cpu_rt_runtime cpu_shares cpus cpuset credential_spec depends_on deploy develop
    device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file
    environment expose extends external_links extra_hosts gpus group_add healthcheck hostname
    image init ipc isolation labels links logging mac_address mem_limit mem_reservation
    mem_swappiness memswap_limit network_mode networks oom_kill_disable oom_score_adj pid
    pids_limit platform ports post_start pre_stop privileged profiles pull_policy read_only
    restart runtime scale secrets security_opt shm_size stdin_open stop_grace_period
    stop_signal storage_opt sysctls tmpfs tty ulimits user userns_mode uts volumes
    volumes_from working_dir""".split()  # noqa: SIM905 - a word list reads better here
)
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "start_interval"}
TOP_KEYS = {"version", "name", "include", "services", "networks", "volumes", "secrets", "configs"}
DURATION = re.compile(r"^(\d+(\.\d+)?(us|ms|s|m|h))+$")


def compose_cli() -> list[str] | None:
    """`docker compose` (v2) when its plugin answers; None where there is none."""
    if not shutil.which("docker"):
        return None
    probe = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, text=True, check=False
    )
    return ["docker", "compose"] if probe.returncode == 0 else None


def structural_problems(compose: dict) -> list[str]:
    """What Compose itself would refuse in the file, as far as keys and values go."""
    problems = [
        f"top-level key {k}" for k in compose if k not in TOP_KEYS and not k.startswith("x-")
    ]
    for name, service in compose["services"].items():
        problems += [f"{name}: key {k}" for k in service if k not in SERVICE_KEYS]
        check = service["healthcheck"]
        problems += [f"{name}: healthcheck key {k}" for k in check if k not in HEALTHCHECK_KEYS]
        for key in ("interval", "timeout", "start_period", "start_interval"):
            if key in check and not DURATION.match(str(check[key])):
                problems.append(f"{name}: healthcheck {key} {check[key]!r}")
        if check["test"][0] not in ("CMD", "CMD-SHELL", "NONE"):
            problems.append(f"{name}: healthcheck test must start with CMD or CMD-SHELL")
        for dependency, spec in service.get("depends_on", {}).items():
            if dependency not in compose["services"]:
                problems.append(f"{name}: depends on unknown service {dependency}")
            if spec["condition"] not in ("service_started", "service_healthy"):
                problems.append(f"{name}: depends_on condition {spec['condition']}")
        networks = service.get("networks") or []
        problems += [f"{name}: network {n}" for n in networks if n not in compose["networks"]]
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/", "$")) and source not in compose["volumes"]:
                problems.append(f"{name}: undeclared volume {source}")
            if source.startswith("./") and not (ROOT / source).exists():
                problems.append(f"{name}: missing mount source {source}")
        if service.get("restart", "no") not in ("no", "always", "unless-stopped", "on-failure"):
            problems.append(f"{name}: restart {service['restart']}")
    return problems


def test_compose_config_validates(compose, tmp_path):
    """The file's keys and values are ones Compose accepts; where the Compose CLI is installed,
    `docker compose config -q` agrees (run on a copy with .env.example as its .env)."""
    assert structural_problems(compose) == []
    cli = compose_cli()
    if cli is None:
        return  # no Compose on this machine: the structural check above is the validation
    for name in ("docker-compose.yml", "Dockerfile", ".env.example"):
        shutil.copy(ROOT / name, tmp_path / (".env" if name == ".env.example" else name))
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    result = subprocess.run(
        [*cli, "config", "-q"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
