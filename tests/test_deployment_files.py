"""The deployment files agree with the code: every service is health-checked, every command points
at something that exists, and .env.example names every variable the settings read."""

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
APP_SERVICES = ("web", "worker", "beat")

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
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(ENV_READ.findall(path.read_text()))
    return names


def env_example_names() -> set[str]:
    pattern = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
    return set(pattern.findall(ENV_EXAMPLE.read_text()))


def test_compose_defines_the_five_services(compose):
    assert set(compose["services"]) >= {"postgres", "redis", *APP_SERVICES}


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


def test_web_runs_gunicorn_on_the_wsgi_application(compose):
    words = command_words(compose["services"]["web"])
    assert words[0] == "gunicorn"
    module, _, attribute = next(w for w in words[1:] if not w.startswith("-")).partition(":")
    wsgi = ROOT / (module.replace(".", "/") + ".py")
    assert wsgi == ROOT / "config" / "wsgi.py" and wsgi.is_file()
    assert re.search(rf"^{attribute or 'application'}\s*=", wsgi.read_text(), re.MULTILINE)
    assert any("8000" in w for w in words), "gunicorn must bind the port the healthcheck probes"


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
