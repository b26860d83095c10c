// The asset library without physics or import: the procedural families (≥ 30 categories × ≥ 5 variants, a
// material space, metadata per asset), the versioned deterministic index with content hashes, the test split, the
// loadLibrary/instantiate API the scene sampler calls, textures, validation of a damaged index, list/preview CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Rng } from '../core/random.js';
import { type AssetEntry, AssetEntrySchema, assetRef } from '../assets/core/asset.js';
import { formatIndex, readIndex } from '../assets/core/index-file.js';
import { canonicalJson } from '../schemas/identity.js';
import { assignSplits, testCount } from '../assets/core/splits.js';
import { composeIndex } from '../assets/catalog.js';
import { defaultLibraryRoot, loadLibrary, proceduralEntries } from '../assets/library.js';
import { COLORS } from '../assets/materials/palette.js';
import { TEXTURE_KINDS, encodePng, makeTexture } from '../assets/materials/textures.js';
import { FAMILIES } from '../assets/procedural/index.js';
import { generate } from '../assets/procedural/generate.js';
import { validateLibrary } from '../assets/validate.js';
import { hullOf, planarFaces } from '../assets/colliders/hull.js';
import { runAssetsCli } from './helpers/assets-cli.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

test('at least 30 categories of table-top objects, each with at least 5 shape variants', () => {
  const cats = new Set(FAMILIES.map((f) => f.category));
  assert.ok(cats.size >= 30, `${cats.size} categories`);
  for (const want of ['mug', 'cup', 'bowl', 'plate', 'can', 'bottle', 'jar', 'box', 'cube', 'block', 'ball', 'apple', 'orange', 'lemon', 'banana', 'carrot', 'eggplant', 'spoon', 'fork', 'knife', 'sponge', 'book', 'marker', 'remote', 'tray', 'basket', 'pot', 'pan', 'cutting board', 'toy car']) {
    assert.ok(cats.has(want), `missing category ${want}`);
  }
  for (const f of FAMILIES) {
    assert.ok(f.variants >= 5, `${f.category}: ${f.variants} variants`);
    // the variants really differ in shape: distinct parameter sets
    const params = new Set(Array.from({ length: f.variants }, (_, v) => JSON.stringify(generate(f, v).entry.source)));
    assert.equal(params.size, f.variants, `${f.category}: variants repeat`);
  }
});

test('every asset has the metadata the issue asks for, and sensible values', () => {
  const entries = proceduralEntries();
  assert.ok(entries.length >= 150);
  for (const e of entries) {
    AssetEntrySchema.parse(e);
    assert.ok(e.synonyms.length >= 2 && !e.synonyms.includes(e.category), `${e.id} synonyms`);
    assert.ok(COLORS[e.colorName] && e.colorChoices.every((c) => COLORS[c]), `${e.id} colour names`);
    assert.ok(e.size.every((s) => s > 0.002 && s < 0.6), `${e.id} size ${e.size}`);
    assert.ok(e.mass > 0.003 && e.mass < 3.5, `${e.id} mass ${e.mass}`);
    assert.ok(e.friction > 0 && e.restitution >= 0 && e.restitution < 1);
    assert.equal(e.upAxis, '+z');
    assert.ok(e.licence.length > 0 && e.source.kind === 'procedural');
    assert.ok(e.material.roughness[0] <= e.material.roughness[1] && e.material.metalness[1] <= 1);
    if (e.graspable) assert.ok(e.graspWidth > 0 && e.graspWidth <= 0.08, `${e.id} grasp width ${e.graspWidth}`);
    if (e.roles.includes('container') || e.roles.includes('support')) assert.ok(e.placeRegion, `${e.id} has no place region`);
  }
  const roles = (r: string) => new Set(entries.filter((e) => e.roles.includes(r as 'container')).map((e) => e.category));
  for (const c of ['mug', 'bowl', 'basket', 'pot', 'tray']) assert.ok(roles('container').has(c), `${c} is a container`);
  for (const c of ['plate', 'tray', 'cutting board', 'book', 'box']) assert.ok(roles('support').has(c), `${c} is a support`);
});

test('colliders: exact primitives where the shape is one, hulls, and convex parts for concave shapes', () => {
  const byCat = (c: string) => generate(FAMILIES.find((f) => f.category === c)!, 0);
  assert.deepEqual(byCat('ball').collider.kind, 'primitive');
  assert.equal(byCat('can').collider.kind, 'primitive');
  assert.equal(byCat('cube').collider.kind, 'primitive');
  assert.equal(byCat('apple').collider.kind, 'hull');
  for (const c of ['mug', 'bowl', 'basket', 'pot', 'tray', 'pan']) {
    const g = byCat(c);
    if (g.collider.kind !== 'compound') assert.fail(`${c}: collider is ${g.collider.kind}`);
    assert.ok(g.collider.parts.length >= 5, `${c}: ${g.collider.parts.length} parts`);
    // Rapier builds a face's contact patch from at most 4 of its vertices: no flat face may have more
    for (const p of g.collider.parts) {
      for (const f of planarFaces(hullOf(p), 1e-5)) {
        if (Math.abs(f.normal[2]) > 0.9) assert.ok(new Set(f.points.map((q) => q.join())).size <= 4, `${c}: a horizontal collider face has more than 4 vertices`);
      }
    }
  }
});

test('the committed index is the deterministic output of the generators (content hash per asset)', () => {
  const root = defaultLibraryRoot();
  const committed = readFileSync(join(root, 'index.json'), 'utf8');
  const { index } = readIndex(root);
  const fresh = tmp('asg-idx-');
  try {
    const again = composeIndex(fresh);
    if (!index!.assets.some((a) => a.source.kind === 'imported')) {
      assert.equal(formatIndex(again), committed, 'assets/library/index.json is stale: run `spatialgen assets reindex`');
    }
    // with imports in the library, the procedural entries still match (their split may move with the imports)
    const strip = (a: AssetEntry) => canonicalJson({ ...a, split: undefined });
    assert.deepEqual(index!.assets.filter((a) => a.source.kind === 'procedural').map(strip), again.assets.map(strip), 'stale index: run `spatialgen assets reindex`');
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
  assert.equal(index!.version, 1);
  const hashes = new Set(index!.assets.map((a) => a.hash));
  assert.equal(hashes.size, index!.assets.length, 'every asset has its own hash');
  // the hash goes into episodes as id@hash
  assert.match(assetRef(index!.assets[0]), /^mug-00@[0-9a-f]{12}$/);
});

test('a configurable share of each category is held out as the test split', () => {
  const lib = loadLibrary();
  // drawn apart per source: importing never moves a procedural asset, a category's only scan stays in train
  for (const c of lib.categories()) {
    for (const source of ['procedural', 'imported'] as const) {
      const all = lib.assets({ category: c, source });
      const held = lib.assets({ category: c, source, split: 'test' });
      assert.equal(held.length, testCount(all.length, 0.2), `${c} (${source})`);
    }
  }
  assert.equal(lib.get('imp-bowl').split, 'train');
  const more = loadLibrary({ testShare: 0.5 });
  assert.equal(more.assets({ category: 'mug', split: 'test' }).length, testCount(more.assets({ category: 'mug', source: 'procedural' }).length, 0.5));
  assert.ok(more.assets({ category: 'mug', split: 'test' }).length > lib.assets({ category: 'mug', split: 'test' }).length);
  // stable: the split depends on ids, not on what else is in the library
  const a = assignSplits([{ id: 'x-1', category: 'x' }, { id: 'x-2', category: 'x' }, { id: 'x-3', category: 'x' }, { id: 'x-4', category: 'x' }, { id: 'x-5', category: 'x' }], 0.2);
  const b = assignSplits([{ id: 'x-1', category: 'x' }, { id: 'x-2', category: 'x' }, { id: 'x-3', category: 'x' }, { id: 'x-4', category: 'x' }, { id: 'x-5', category: 'x' }, { id: 'y-1', category: 'y' }], 0.2);
  for (const id of ['x-1', 'x-2', 'x-3', 'x-4', 'x-5']) assert.equal(a.get(id), b.get(id));
});

test('library.assets() filters and library.instantiate() fills a SceneObject', () => {
  const lib = loadLibrary();
  assert.deepEqual(lib.invalid, {});
  const containers = lib.assets({ roles: ['container'], split: 'train' });
  assert.ok(containers.length >= 20 && containers.every((e) => e.roles.includes('container') && e.split === 'train'));
  const rng = new Rng(7);
  const mug = lib.instantiate('mug-02', rng);
  assert.equal(mug.shape.kind, 'mesh');
  if (mug.shape.kind === 'mesh') {
    assert.ok(mug.shape.convexParts && mug.shape.convexParts.length > 10);
    assert.equal(mug.shape.positions.length, mug.shape.normals!.length);
    assert.equal(mug.colliderPartMasses!.length, mug.shape.convexParts.length);
    assert.ok(Math.abs(mug.colliderPartMasses!.reduce((s, m) => s + m, 0) - mug.mass) < 1e-6);
  }
  assert.ok(lib.get('mug-02').colorChoices.includes(mug.material.colorName));
  assert.equal(mug.name, `${mug.material.colorName} mug`);
  assert.ok(mug.material.roughness >= 0.15 && mug.material.roughness <= 0.4);
  assert.match(mug.assetRef, /^mug-02@/);
  const ball = lib.instantiate('ball-01', { colorName: 'blue' });
  assert.deepEqual(ball.shape, { kind: 'sphere', radius: ball.size[0] / 2 });
  assert.equal(ball.material.colorName, 'blue');
  assert.equal(lib.instantiate('can-00').shape.kind, 'cylinder');
  // a book renders as covers + pages, collides as its exact box
  const book = lib.instantiate('book-01');
  assert.equal(book.shape.kind, 'mesh');
  if (book.shape.kind === 'mesh') assert.equal(book.shape.convexParts!.length, 1);
  assert.throws(() => lib.instantiate('banana-00', { colorName: 'blue' }), /not one of its choices/);
  // same rng seed, same instance
  assert.deepEqual(lib.instantiate('cup-03', new Rng(3)).material, lib.instantiate('cup-03', new Rng(3)).material);
});

test('procedural textures: deterministic, drawn in the colour that names them, encoded by sharp', async () => {
  for (const k of TEXTURE_KINDS) {
    const a = makeTexture(k, [0.8, 0.2, 0.1], 5, 64);
    assert.deepEqual(a.rgba, makeTexture(k, [0.8, 0.2, 0.1], 5, 64).rgba, k);
    // prints add colours of their own, but most of the surface shows the object's colour: red's hue, any lightness
    let reddish = 0;
    for (let i = 0; i < a.rgba.length; i += 4) if (a.rgba[i] > 2.5 * a.rgba[i + 1] && a.rgba[i] > 2.5 * a.rgba[i + 2]) reddish++;
    assert.ok(reddish > 0.5 * (a.rgba.length / 4), `${k}: ${reddish} of ${a.rgba.length / 4} texels in the object's colour`);
    const png = await encodePng(a);
    const meta = await sharp(png).metadata();
    assert.equal(meta.width, 64);
  }
  const lib = loadLibrary();
  const inst = lib.instantiate('cutting-board-00');
  assert.deepEqual(inst.texture && 'pattern' in inst.texture ? inst.texture.pattern : null, 'wood-grain');
  const img = await lib.textureImage(inst, 32);
  assert.equal(img!.rgba.length, 32 * 32 * 4);
  assert.equal(await lib.textureImage(lib.instantiate('mug-00')), null);
});

test('a damaged index: bad entries are skipped and counted by reason, one line each', () => {
  const root = tmp('asg-bad-');
  try {
    const idx = composeIndex(root);
    const assets = idx.assets.slice(0, 4).map((a) => ({ ...a }));
    assets[1] = { ...assets[1], size: [5, 5, 5] };
    const fake = { ...assets[2], id: 'imp-evil', source: { kind: 'imported' as const, file: '../../etc/passwd', textures: [], original: 'evil.obj', format: 'obj' as const, unitScale: 1, sourceUpAxis: '+z' as const, scaleToCategory: 1 } };
    const gone = { ...assets[2], id: 'imp-gone', source: { ...fake.source, file: 'imported/gone/model.glb' } };
    const raw = JSON.parse(formatIndex({ ...idx, assets: [...assets, fake, gone] }));
    raw.assets.push({ id: 'no good', category: 'mug' });
    writeFileSync(join(root, 'index.json'), JSON.stringify(raw));
    const lib = loadLibrary({ root });
    assert.equal(lib.assets().length, 3);
    assert.deepEqual(lib.invalid, { 'absurd-size': 1, 'outside-root': 1, 'missing-file': 1, 'bad-metadata': 1 });
    const report = validateLibrary(root);
    assert.equal(report.problems.length, 4);
    const lines = report.problems.map((p) => `${p.asset}: ${p.reason}: ${p.detail}`);
    assert.ok(lines.some((l) => /^imp-evil: outside-root: /.test(l)));
    assert.ok(lines.every((l) => !l.includes('\n')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('CLI: list (table and --json), validate, preview contact sheet, reindex', async () => {
  const root = tmp('asg-cli-');
  try {
    const r0 = await runAssetsCli(['reindex', '--library', root, '--test-share', '0.4']);
    assert.equal(r0.code, 0, r0.stderr);
    const l = await runAssetsCli(['list', '--library', root]);
    assert.equal(l.code, 0);
    assert.match(l.stdout, /^mug-00 +mug +white/m);
    assert.match(l.stdout, /186 assets in 31 categories/);
    const j = await runAssetsCli(['list', '--library', root, '--json', '--split', 'test']);
    const parsed = JSON.parse(j.stdout) as { testShare: number; assets: { split: string }[] };
    assert.equal(parsed.testShare, 0.4);
    assert.ok(parsed.assets.length >= 62 && parsed.assets.every((a) => a.split === 'test'));
    const v = await runAssetsCli(['validate', '--library', root]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /186 checked, 0 invalid/);
    const out = join(root, 'sheet.png');
    const p = await runAssetsCli(['preview', '--library', root, '--out', out, '--category', 'mug', '--columns', '3']);
    assert.equal(p.code, 0, p.stderr);
    const meta = await sharp(out).metadata();
    assert.ok(meta.width! > 3 * 128 && meta.height! > 2 * 128, `${meta.width}x${meta.height}`);
    const bad = await runAssetsCli(['list', '--split', 'validation']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--split must be train or test/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
