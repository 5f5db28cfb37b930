#!/usr/bin/env bash
# Install profiles-gen into the virtual environment (.venv), saying what and how long.
#
#   tools/install.sh build   profiles-gen and what a build needs (make profile)
#   tools/install.sh test    the same and the test toolchain (make test, make lint)
#
# The installer is uv when it is on PATH or can be put into .venv by pip in a few
# seconds: it downloads in parallel (a first install took 26 s with uv, uv's own
# install included, against 143 s with pip on the development machine). pip takes
# over whenever uv cannot be had or fails; INSTALLER=pip uses pip alone.
#
# Both leave the installed modules compiled to bytecode (pip does by default, uv when
# asked), and so is profiles_gen's own source: Python need not compile WeasyPrint,
# matplotlib and the rest again in every process of every build, where it cannot
# write what it compiled (PYTHONDONTWRITEBYTECODE set, a read-only install). Without it
# each process of a build that imports WeasyPrint or matplotlib compiled them again: a
# second of CPU time each.
set -eu
what=${1:-build}
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
started=$(date +%s)

say() { echo "profiles-gen: $*" >&2; }

if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV ($("$PYTHON" --version 2>&1))"
  "$PYTHON" -m venv "$VENV"
fi
py="$VENV/bin/python"

# What is installed, as pyproject.toml names it.
deps() {
  "$py" - "$1" <<'EOF'
import re, sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
names = project["optional-dependencies"]["test"] if sys.argv[1] == "test" else project["dependencies"]
print(", ".join(re.split(r"[<>=!~\[; ]", name)[0] for name in names))
EOF
}
case $what in
  build) spec=(-e .); say "installing profiles-gen and what a build needs: $(deps build)" ;;
  test) spec=(-e ".[test]"); say "installing the test toolchain: $(deps test)" ;;
  *) echo "usage: tools/install.sh build|test" >&2; exit 2 ;;
esac

uv=""
if [ "${INSTALLER:-auto}" != pip ]; then
  if command -v uv >/dev/null 2>&1; then
    uv=$(command -v uv)
  elif [ -x "$VENV/bin/uv" ]; then
    uv="$VENV/bin/uv"
  else
    say "installing uv into $VENV first (a faster installer; INSTALLER=pip to use pip alone)"
    if "$py" -m pip install -q --disable-pip-version-check uv; then
      uv="$VENV/bin/uv"
    else
      say "uv could not be installed: installing with pip"
    fi
  fi
fi
if [ -n "$uv" ] && ! "$uv" pip install --compile-bytecode --python "$py" "${spec[@]}"; then
  say "uv failed: installing with pip"
  uv=""
fi
if [ -z "$uv" ]; then
  "$py" -m pip install --disable-pip-version-check "${spec[@]}"
fi
# The package itself is installed editable (its source is this folder): compiled here,
# as far as it compiles (a file being edited is compiled when imported, as before).
"$py" -m compileall -q -j 0 profiles_gen >/dev/null || true
say "installed ($what) in $(($(date +%s) - started)) s"
