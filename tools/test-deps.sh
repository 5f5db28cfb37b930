#!/usr/bin/env bash
# What `make test` needs beyond the Python packages: Debian's Chromium for the
# browser tests, Debian's gettext (msgfmt -c checks every catalogue as Poedit
# and Weblate do), and axe-core from the npm registry (package.json). As root it
# installs what is missing; otherwise it prints the command to run.
set -eu
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian package: chromium" >&2
    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1) || {
      apt-get update -qq >/dev/null 2>&1
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
    }
  else
    echo "profiles-gen: the browser tests need Chromium: sudo apt-get install -y chromium" >&2
  fi
fi
if ! command -v msgfmt >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian package: gettext" >&2
    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext >/dev/null 2>&1) || {
      apt-get update -qq >/dev/null 2>&1
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext >/dev/null
    }
  else
    echo "profiles-gen: the catalogue tests need gettext's msgfmt: sudo apt-get install -y gettext" >&2
  fi
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null 2>&1; then
    npm install --no-audit --no-fund --silent
  else
    echo "profiles-gen: the accessibility tests need npm (Node.js) to install axe-core" >&2
  fi
fi
