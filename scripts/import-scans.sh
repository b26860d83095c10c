#!/usr/bin/env bash
# Imports the YCB scans into the default asset library through the product's own `assets import`, with the catalogue
# assets/scans/ycb.csv (category, name, synonyms, true size) and the sizes the repository ships (assets/scans/README.md).
#   bash scripts/import-scans.sh [SCANS_DIR]     (default: ../shared/fixtures/objects/ycb-scans)
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-../shared/fixtures/objects/ycb-scans}
[ -d "$src" ] || { echo "import-scans: no folder $src (the YCB scans: see assets/scans/README.md)" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r "$src"/. "$stage"/
cp assets/scans/ycb.csv "$stage/assets.csv"
# re-importing a model replaces its entry; its folder is named by its content, so the same scan lands in the same one
node bin/spatialgen.js assets import "$stage" --library assets/library --texture-size 512 --max-triangles 1500
