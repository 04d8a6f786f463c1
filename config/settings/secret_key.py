"""The secret key rules production enforces at start-up (imported by the settings modules)."""

from django.core.exceptions import ImproperlyConfigured

# Keys published in this repository: anyone could sign sessions and reset links with them.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
TEST_SECRET_KEY = "test-only-key-not-secret"
ENV_EXAMPLE_SECRET_KEY = "replace-with-a-long-random-secret"
KNOWN_SECRET_KEYS = frozenset({DEV_SECRET_KEY, TEST_SECRET_KEY, ENV_EXAMPLE_SECRET_KEY})
# Django's own deploy check (security.W009) asks for 50 characters, 5 of them different.
MIN_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5
HOW_TO_MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'


def secret_key_problem(key: str | None) -> str | None:
    """What is wrong with a production secret key (None when it will do)."""
    if not key:
        return "DJANGO_SECRET_KEY is not set."
    if key.strip() in KNOWN_SECRET_KEYS or key.startswith("django-insecure-"):
        return "DJANGO_SECRET_KEY is a published example key."
    if len(key) < MIN_LENGTH:
        return f"DJANGO_SECRET_KEY is shorter than {MIN_LENGTH} characters."
    if len(set(key)) < MIN_UNIQUE_CHARACTERS:
        return f"DJANGO_SECRET_KEY has fewer than {MIN_UNIQUE_CHARACTERS} different characters."
    return None


def require_production_secret_key(key: str | None) -> str:
    """The key, or ImproperlyConfigured saying what is wrong and how to make a good one."""
    problem = secret_key_problem(key)
    if problem:
        raise ImproperlyConfigured(f"{problem} Set a long random one, e.g. {HOW_TO_MAKE_ONE}")
    return key
