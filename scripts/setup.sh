#!/usr/bin/env bash
# Set up officekit on a fresh Debian/Ubuntu machine, from the repository root:
#   system packages — LibreOffice (PDF output), CJK fonts (Chinese text in charts and PDFs),
#   poppler-utils (pdftotext/pdftoppm), and with --test also Chromium (the outbox page test);
#   then a virtual environment .venv with officekit installed from this checkout.
#   With --test, also a PostgreSQL server on 127.0.0.1 for the tests (scripts/pg_test_server.sh);
#   its URL is kept in .venv/officekit-test-pg-url, where the test suite finds it.
# Safe to run again: apt and pip skip what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# command that shows a need is met → Debian package that meets it
need=("soffice:libreoffice-writer-nogui" "fc-list:fontconfig" "pdftotext:poppler-utils")
[ "$want_test" = 1 ] && need+=("chromium:chromium")

if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  missing=()
  for pair in "${need[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
  # a CJK font, so Chinese in charts and PDFs never shows as boxes
  { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; } \
    || missing+=(fonts-noto-cjk)
  # metric-compatible Times New Roman / Arial, so PDFs keep Word's line breaks
  { command -v fc-list >/dev/null 2>&1 && fc-list | grep -q "Liberation Serif"; } \
    || missing+=(fonts-liberation)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
else
  echo "apt-get not found: install LibreOffice and a CJK font (Noto Sans CJK SC) yourself" >&2
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$want_test" = 1 ]; then
  .venv/bin/pip install -q -e ".[test,bench,postgres,distributed]"
  bash scripts/pg_test_server.sh > .venv/officekit-test-pg-url
else
  .venv/bin/pip install -q -e .
fi
