#!/usr/bin/env bash
# Installs Debian's QGIS (its Python bindings and data providers) for tests/test_qgis.py, which opens
# corridor.gpkg in QGIS itself. QGIS's Python is the system python3, not the project's venv.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing Debian's python3-qgis and qgis-providers for the QGIS test..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  python3-qgis qgis-providers >/dev/null
/usr/bin/python3 -c "from qgis.core import Qgis; print('QGIS', Qgis.version())"
