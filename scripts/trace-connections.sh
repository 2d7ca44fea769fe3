#!/usr/bin/env bash
# Runs the whole test suite (or the pytest arguments given) under strace and fails if any process it
# started — pytest, the CLI, `streamlit run`, Chromium — connected or sent a datagram anywhere but
# loopback (scripts/connections.py reads the trace).
# Usage: scripts/trace-connections.sh [pytest arguments…]   (Debian's strace is installed when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v strace >/dev/null 2>&1; then
  SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q strace || { $SUDO apt-get update -q && $SUDO apt-get install -y -q strace; }
fi
trace="$(mktemp -d)/connect.trace"
status=0
strace -f -qq -e trace=connect,socket,sendto,sendmsg,sendmmsg,close,clone,clone3,fork,vfork -o "$trace" .venv/bin/python -m pytest -q "$@" || status=$?
.venv/bin/python scripts/connections.py "$trace"
exit "$status"
