#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then runs the whole suite,
# browser tests included (they fail, never skip, if the browser is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
    echo "Installerar Debians chromium för webbläsartesterna …"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r requirements-dev.txt
python3 -m pytest "$@"
