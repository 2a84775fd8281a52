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

# Build the Dashboard extension into the package's static files when they are
# missing or older than its sources (the demo serves them).
build_dashboard_if_needed() {
  local built=saleor_crm_plugin/static/saleor_crm_plugin/dashboard/index.html
  if [ -f "$built" ] && [ -z "$(find dashboard-extension/src dashboard-extension/index.html \
      dashboard-extension/package-lock.json dashboard-extension/vite.config.ts -newer "$built" -print -quit)" ]; then
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "The Dashboard extension is not built and npm is not installed (Node 20.19+ is needed once)." >&2
    exit 1
  fi
  echo "== building the Dashboard extension"
  (
    cd dashboard-extension
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
      npm ci --no-audit --no-fund
    fi
    npm run build
  )
}
