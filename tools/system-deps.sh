#!/usr/bin/env bash
# Install the Debian libraries WeasyPrint needs (Pango) or benefits from (HarfBuzz
# subsetting), and poppler-utils (the tests render pages with it), when they are missing. As root it
# installs them with apt-get; otherwise it prints the exact command and carries on.
set -eu
packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "profiles-gen: please install the equivalents of:$missing" >&2
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  echo "installing Debian packages:$missing" >&2
  (apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1) || {
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  }
else
  echo "profiles-gen: missing Debian packages; run: sudo apt-get install -y$missing" >&2
fi
