#!/usr/bin/env bash
# Loads LeRobot exports of a `smoke` build with the real `lerobot` package (LeRobotDataset, one item, a DataLoader
# batch): v3.0 with the current lerobot, and, given a second folder, v2.1 with lerobot 0.3 (LeRobot >= 0.4 reads only
# v3.0). Not part of the test command: `pip install lerobot` brings PyPI's torch with its CUDA wheels (measured
# 2026-12-02: lerobot 0.4.4 with torch 2.10.0, 266 s, 8.3 GB installed), beyond what CI should fetch on every run.
#   bash scripts/lerobot-check.sh [VENV_DIR [VENV_DIR_FOR_LEROBOT_0.3]]    (venvs are kept for the next run)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-/tmp/spatialgen-lerobot-venv}
venv03=${2:-}
ensure() { # venv, pip requirement
  [ -x "$1/bin/python" ] && "$1/bin/python" -c 'import lerobot' 2>/dev/null && return 0
  python3 -m venv "$1"
  "$1/bin/pip" install -q --disable-pip-version-check "$2"
}
ensure "$venv" lerobot
[ -n "$venv03" ] && ensure "$venv03" 'lerobot<0.4'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node --import tsx cli/main.ts build --preset smoke --out "$work/smoke" --no-progress
node --import tsx cli/main.ts export lerobot "$work/smoke" --out "$work/lerobot-v30" --version v3.0 --no-progress
"$venv/bin/python" python/examples/lerobot_load.py "$work/lerobot-v30"
if [ -n "$venv03" ]; then
  node --import tsx cli/main.ts export lerobot "$work/smoke" --out "$work/lerobot-v21" --version v2.1 --no-progress
  "$venv03/bin/python" python/examples/lerobot_load.py "$work/lerobot-v21"
fi
