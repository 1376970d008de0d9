#!/usr/bin/env bash
# Installs Debian packages a test needs (the Makefile's browser, qgis and spreadsheet targets call it
# when the program is missing): `install_debian.sh "what for" PACKAGE...`. Root on CI, sudo elsewhere.
set -euo pipefail
purpose="$1"
shift
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing Debian's $* for $purpose..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
