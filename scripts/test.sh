#!/usr/bin/env bash
# The README's test command: set up, make sure a Redis answers on 127.0.0.1:6379 (the queue tests use a real one),
# then type-check, lint and run every test: TypeScript (node:test), then Python (pytest, python/tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/python-setup.sh
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --logfile /tmp/spatialgen-redis.log
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
npm test
python/.venv/bin/python -m pytest -q python/tests
