#!/usr/bin/env bash
# Installs Debian's LibreOffice Calc (no GUI) for tests/test_spreadsheet.py, which opens events.csv
# in a real spreadsheet program and checks every cell and that no text became a formula.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing Debian's libreoffice-calc-nogui for the spreadsheet test..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  libreoffice-calc-nogui >/dev/null
command -v soffice
