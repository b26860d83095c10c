// Builds and the asset library (issue 3): invalid assets are skipped and counted by reason in the manifest, every
// episode names its assets as id@content-hash, and `asset_split: test` draws only held-out objects.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { composeIndex } from '../assets/catalog.js';
import { formatIndex } from '../assets/core/index-file.js';
import { loadLibrary } from '../assets/library.js';
import { readArrowStream } from './helpers/arrow-read.js';
import { spatialgen, tempDir } from './helpers/build-fixture.js';

const CAMERAS = `cameras:
  - { name: base, width: 128, height: 128, fov_y_deg: 55, position: [-0.55, 0, 0.55], target: [0.02, 0, 0.02] }
`;

function episodeAssets(dir: string): string[] {
  return readArrowStream(join(dir, 'episodes.arrow')).rows().flatMap((r) => r.assets as string[]);
}

test('a build skips invalid library assets and counts them by reason in its manifest', () => {
  const root = tempDir('lib');
  const idx = composeIndex(root);
  const mugs = idx.assets.filter((a) => a.category === 'mug').map((a) => ({ ...a }));
  mugs[1] = { ...mugs[1], size: [5, 5, 5] };
  const evil = { ...mugs[2], id: 'imp-evil', source: { kind: 'imported' as const, file: '../../etc/passwd', textures: [], original: 'evil.obj', format: 'obj' as const, unitScale: 1, sourceUpAxis: '+z' as const, scaleToCategory: 1 } };
  writeFileSync(join(root, 'index.json'), formatIndex({ ...idx, assets: [...mugs, evil] }));
  const cfg = join(root, 'cfg.yaml');
  writeFileSync(cfg, `episodes: 2\nscene: { objects_min: 2, objects_max: 3 }\nstage1: { every_n_frames: 40 }\n${CAMERAS}`);
  const out = join(tempDir('build-lib'), 'ds');
  const r = spatialgen(['build', cfg, '--out', out, '--no-progress'], { SPATIALGEN_ASSET_LIBRARY: root });
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.deepEqual(m.asset_library.invalid_skipped, { 'absurd-size': 1, 'outside-root': 1 });
  const valid = new Map(loadLibrary({ root }).assets().map((e) => [e.id, e.hash]));
  const used = episodeAssets(out);
  assert.ok(used.length > 0);
  for (const ref of used) {
    const [id, hash] = ref.split('@');
    assert.ok(valid.has(id), `${id} is a valid asset`);
    assert.equal(hash, valid.get(id)!.slice(0, 12), `${ref} carries the asset's content hash`);
    assert.notEqual(id, mugs[1].id, 'the absurd asset is never used');
  }
});

test('asset_split: test draws only held-out objects', () => {
  const cfg = join(tempDir('cfg'), 'test-split.yaml');
  writeFileSync(cfg, `episodes: 3\nscene: { asset_split: test, objects_min: 4, objects_max: 5 }\nstage1: { every_n_frames: 40 }\n${CAMERAS}`);
  const out = join(tempDir('build-test-split'), 'ds');
  const r = spatialgen(['build', cfg, '--out', out, '--no-progress']);
  assert.equal(r.status, 0, r.stderr);
  const split = new Map(loadLibrary().assets().map((e) => [e.id, e.split]));
  const used = episodeAssets(out);
  assert.ok(used.length >= 3);
  for (const ref of used) assert.equal(split.get(ref.split('@')[0]), 'test', ref);
});
