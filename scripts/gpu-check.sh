#!/usr/bin/env bash
# The GPU path in one call, for a machine with an NVIDIA GPU (the `device` tool's H200): set up, print the adapter
# Dawn picks, run the render benchmark (its figures go to BENCHMARKS.md § "Render on GPU"), then build the `demo`
# preset and print episodes per hour.   bash scripts/gpu-check.sh [EPISODES]   (default 60)
# Prints what it measured to stdout; exits non-zero if the renderer does not come up on the GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
episodes=${1:-60}
bash scripts/setup.sh
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "gpu-check: no nvidia-smi on this machine"
adapter=$(node --import tsx -e "
  const { Renderer, shutdownRendering } = await import('./generators/rendering/index.ts');
  const r = await Renderer.create(); console.log(r.adapterName); r.dispose(); shutdownRendering(); process.exit(0);")
echo "gpu-check: adapter: $adapter"
case "$adapter" in *llvmpipe*|*lavapipe*|*SwiftShader*) echo "gpu-check: Dawn picked a software adapter, not the GPU" >&2; exit 1 ;; esac
SPATIALGEN_BENCH_SECTION="Render on GPU" node --import tsx bench/render.ts 2 | grep -E '^\| (256|640)|^Environment|^Textured' || true
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
workers=$(nproc)
start=$(date +%s.%N)
node bin/spatialgen.js build --preset demo --out "$out/demo" --episodes "$episodes" --workers "$workers" --no-progress
end=$(date +%s.%N)
node -e "
  const s = ($end - $start), m = JSON.parse(require('fs').readFileSync('$out/demo/manifest.json', 'utf8'));
  const ok = m.counts.episodes_succeeded, frames = m.counts.frames;
  console.log('gpu-check: demo build, $episodes episodes on $workers workers: ' + s.toFixed(1) + ' s, ' + ok + ' succeeded, ' +
    (3600 * ok / s).toFixed(0) + ' successful episodes/h, ' + (frames / s).toFixed(1) + ' stage-2 frames/s (each frame: every camera)');"
