# Shared by scripts/demo and scripts/test: a Python 3.12 virtualenv in .venv
# with the plugin installed (editable) and its test tools.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

find_python() {
  for candidate in "${PYTHON:-}" python3.12 "$(command -v pyenv >/dev/null && pyenv root 2>/dev/null)/versions/3.12"*/bin/python3.12; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
      command -v "$candidate"
      return
    fi
  done
  echo "Python 3.12 is required (set PYTHON=/path/to/python3.12)." >&2
  exit 1
}

if [ ! -x .venv/bin/python ]; then
  "$(find_python)" -m venv .venv
fi
# Reinstall when setup.py changed since the last install.
stamp=.venv/.crm-installed
if [ ! -f "$stamp" ] || [ setup.py -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  SALEOR_CRM_SKIP_DASHBOARD_BUILD=1 .venv/bin/python -m pip install --quiet -e ".[test]"
  touch "$stamp"
fi
PY="$REPO/.venv/bin/python"
