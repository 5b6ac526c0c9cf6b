#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then runs the whole suite,
# browser and PostgreSQL tests included (they fail, never skip, if chromium or PostgreSQL is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages the tests use for real: chromium (browser tests, and the report's charts) and postgresql (the
# shared store; the tests start their own throwaway server from its binaries, see tests/pgserver.py).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# LibreOffice turns the annual report into PDF (tests/test_report.py); pdftotext (poppler-utils) reads the PDF back.
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installerar Debians ${missing[*]} för testerna …"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r requirements-dev.txt
python3 -m pytest "$@"
