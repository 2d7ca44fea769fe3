#!/usr/bin/env bash
# Installs LibreOffice (Calc and Writer, no GUI extras) for the tests that open the app's files as a person
# would: an appended .xlsx read back, exports printed to PDF (poppler-utils reads the PDF back), with
# Liberation Serif, metric-compatible with the Times New Roman the exports use, so pages break as in Word. Needs root
# (CI runs as root) or sudo.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends libreoffice-calc libreoffice-writer poppler-utils fonts-dejavu-core fonts-liberation
command -v soffice && command -v pdftotext && fc-list | grep -q 'Liberation Serif'
