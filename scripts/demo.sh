#!/usr/bin/env bash
# The README's main job: set up, then build the `demo` preset embedded (no Redis) into out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
rm -rf out/demo
node bin/spatialgen.js build --preset demo --out out/demo "$@"
