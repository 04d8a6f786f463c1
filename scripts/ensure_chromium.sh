#!/bin/sh
# Browser tests drive Debian's Chromium (/usr/bin/chromium); never a downloaded browser build.
# Installs it with apt when missing and we are root; otherwise says how, and goes on.
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: installing Debian's chromium for the browser tests"
    DEBIAN_FRONTEND=noninteractive apt-get update -q && \
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
    exit $?
fi
echo "ensure_chromium: /usr/bin/chromium is missing; the browser tests need it:" >&2
echo "    sudo apt-get install chromium" >&2
exit 0
