#!/usr/bin/env bash
# Makes sure the browser tests (tests/browser/) have Debian's chromium; `make test` runs this.
# Root installs it through apt; anyone else is told how, and the browser tests then skip (or
# fail, with CI=true). Playwright never downloads a browser here: it drives this one.
set -uo pipefail

chromium="${CHROMIUM:-/usr/bin/chromium}"
have_chromium() { [ -x "$chromium" ] || command -v "$chromium" >/dev/null 2>&1; }

have_chromium && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "browser tests: no Chromium at $chromium. Install Debian's package as root" \
    "(sudo apt-get install chromium) or set CHROMIUM to a Chromium binary;" \
    "until then the browser tests are skipped (with CI=true they fail)." >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser tests: no Chromium at $chromium and no apt-get to install it; install" \
    "Chromium with this system's package manager and set CHROMIUM to its binary." >&2
  exit 0
fi

echo "browser tests: installing Debian's chromium with apt-get…" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; }; then
  echo "browser tests: apt-get could not install chromium (see above)." >&2
  exit 1
fi
if ! have_chromium; then
  echo "browser tests: apt-get installed chromium, but there is still none at $chromium;" \
    "set CHROMIUM to its binary." >&2
  exit 1
fi
