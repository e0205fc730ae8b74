# Shared by scripts/run and scripts/test: make .venv and install the project into it.
# Re-installs only when pyproject.toml changed, so repeated runs start quickly.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
EXTRA="${1:-}"
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv" >&2
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.hatsugen-installed${EXTRA:+-$EXTRA}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
installed() { [ -f "$1" ] && [ "$(cat "$1")" = "$want" ]; }
# The test install holds everything the plain one does.
if ! installed "$stamp" && ! { [ -z "$EXTRA" ] && installed .venv/.hatsugen-installed-test; }; then
  echo "installing hatsugen${EXTRA:+[$EXTRA]} into .venv (a minute or two the first time)" >&2
  # Quiet unless it fails: pip's and setuptools' output goes to a log shown only then.
  log="$(mktemp "${TMPDIR:-/tmp}/hatsugen-install.XXXXXX")"
  if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip \
         && .venv/bin/python -m pip install --quiet --disable-pip-version-check \
              -e ".${EXTRA:+[$EXTRA]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "installing hatsugen failed (the output above)" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  echo "$want" > "$stamp"
fi
