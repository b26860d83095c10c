// `assets import`: the shared fixtures (YCB soup can OBJ+MTL+PNG, bullet3 mug URDF + n-gon OBJ, bullet3 banana
// OBJ+MTL+PNG) and a GLB written here with glTF-Transform go into a temporary library root: units, up axis and
// size normalised, colliders (hull, or boxes for the mug so a ball stays inside), mass, thumbnail, index entry.
// Bad models (empty mesh, NaN vertex, texture through ../../etc/passwd, unknown format) are one line each and
// skipped; the good ones in the same folder still import.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Document, NodeIO } from '@gltf-transform/core';
import sharp from 'sharp';
import { importPath } from '../assets/import/batch.js';
import { importModel } from '../assets/import/import-model.js';
import { readIndex } from '../assets/core/index-file.js';
import { loadLibrary } from '../assets/library.js';
import { validateLibrary, validateModels } from '../assets/validate.js';
import { ballIntoContainer, dropOnTable } from './helpers/assets-physics.js';
import { runAssetsCli } from './helpers/assets-cli.js';

import { FIXTURES } from './helpers/fixtures.js';
const OBJECTS = join(FIXTURES, 'objects');
const have = existsSync(OBJECTS);
/** the three models these tests are about (the fixtures folder now also holds 41 YCB scans, not imported here) */
const MODELS = ['bullet3_banana', 'bullet3_mug', 'ycb_005_tomato_soup_can'];
let work: string;
/** a folder holding just MODELS, as a user's import folder would */
let models: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'asg-import-'));
  models = join(work, 'models');
  if (have) for (const m of MODELS) cpSync(join(OBJECTS, m), join(models, m), { recursive: true });
});
after(() => rmSync(work, { recursive: true, force: true }));

/** A box `size` (metres, glTF y up) as a GLB with a base colour (linear, as glTF stores it). */
async function writeGlb(path: string, size: [number, number, number], rgba: [number, number, number, number]): Promise<void> {
  const doc = new Document();
  const buf = doc.createBuffer();
  const prim = doc
    .createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(boxPositions(size)).setBuffer(buf))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(new Uint32Array(BOX_INDICES)).setBuffer(buf))
    .setMaterial(doc.createMaterial('m').setBaseColorFactor(rgba));
  doc.createScene('s').addChild(doc.createNode('n').setMesh(doc.createMesh('box').addPrimitive(prim)));
  writeFileSync(path, await new NodeIO().writeBinary(doc));
}

const BOX_INDICES = [0, 1, 3, 0, 3, 2, 4, 6, 7, 4, 7, 5, 0, 4, 5, 0, 5, 1, 2, 3, 7, 2, 7, 6, 0, 2, 6, 0, 6, 4, 1, 5, 7, 1, 7, 3];
function boxPositions(size: [number, number, number]): Float32Array {
  const [x, y, z] = size.map((s) => s / 2);
  const p: number[] = [];
  for (const sx of [-x, x]) for (const sy of [-y, y]) for (const sz of [-z, z]) p.push(sx, sy, sz);
  return new Float32Array(p);
}

/** A .gltf (JSON, embedded buffer) whose base colour texture is the image at `imageUri`, as written. */
function writeGltfWithImage(path: string, edge: number, imageUri: string): void {
  const pos = boxPositions([edge, edge, edge]);
  const uv = new Float32Array(16).fill(0.5);
  const idx = new Uint32Array(BOX_INDICES);
  const bin = Buffer.concat([Buffer.from(pos.buffer), Buffer.from(uv.buffer), Buffer.from(idx.buffer)]);
  const gltf = {
    asset: { version: '2.0' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0 }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0, TEXCOORD_0: 1 }, indices: 2, material: 0 }] }],
    materials: [{ pbrMetallicRoughness: { baseColorTexture: { index: 0 } } }],
    textures: [{ source: 0 }],
    images: [{ uri: imageUri }],
    buffers: [{ byteLength: bin.length, uri: `data:application/octet-stream;base64,${bin.toString('base64')}` }],
    bufferViews: [
      { buffer: 0, byteOffset: 0, byteLength: 96 },
      { buffer: 0, byteOffset: 96, byteLength: 64 },
      { buffer: 0, byteOffset: 160, byteLength: 144 },
    ],
    accessors: [
      { bufferView: 0, componentType: 5126, count: 8, type: 'VEC3', min: [-edge / 2, -edge / 2, -edge / 2], max: [edge / 2, edge / 2, edge / 2] },
      { bufferView: 1, componentType: 5126, count: 8, type: 'VEC2' },
      { bufferView: 2, componentType: 5125, count: 36, type: 'SCALAR' },
    ],
  };
  writeFileSync(path, JSON.stringify(gltf));
}

test('the fixtures import into a fresh library: normalised, with colliders, mass, thumbnails and index entries', { skip: !have && 'shared fixtures not found' }, async () => {
  const root = join(work, 'lib');
  const seen: string[] = [];
  const r = await importPath(models, { libraryRoot: root, onResult: (x, p) => seen.push(`${x.ok ? 'ok' : 'failed'} ${p}`) });
  assert.deepEqual(r.failed, []);
  assert.equal(seen.length, 3, `one job per model (the mug's collision OBJ goes with its URDF): ${seen.join('; ')}`);
  const by = new Map(r.imported.map((e) => [e.category, e]));
  const can = by.get('can')!, mug = by.get('mug')!, banana = by.get('banana')!;
  assert.ok(can && mug && banana, r.imported.map((e) => e.category).join());
  // real sizes (metres, z up): the YCB can is 6.8 cm across, 10.2 cm tall
  assert.ok(Math.abs(can.size[2] - 0.102) < 0.003 && Math.abs(can.size[0] - 0.068) < 0.003, `can ${can.size}`);
  assert.ok(mug.size[2] > 0.09 && mug.size[2] < 0.11, `mug ${mug.size}`);
  assert.ok(banana.size[0] > 0.18 && banana.size[2] < 0.06, `banana lies flat: ${banana.size}`);
  assert.equal(banana.colorName, 'yellow');
  assert.equal(mug.colorName, 'red'); // the URDF's <color rgba="1 0.2 0.2 1">
  assert.equal(mug.collider.kind, 'compound');
  assert.ok(mug.roles.includes('container') && mug.placeRegion);
  assert.equal(can.collider.kind, 'hull');
  for (const e of r.imported) {
    assert.ok(e.mass > 0.02 && e.mass < 1.5, `${e.id} mass ${e.mass}`);
    assert.ok(e.synonyms.length >= 2);
    assert.match(e.licence, /see .*LICENSE/i);
    if (e.source.kind !== 'imported') assert.fail('not imported');
    assert.ok(existsSync(join(root, e.source.file)));
    const thumb = await sharp(join(root, e.source.thumbnail!)).metadata();
    assert.equal(thumb.width, 128);
    for (const t of e.source.textures) assert.ok(existsSync(join(root, t)));
  }
  assert.equal(can.source.kind === 'imported' && can.source.textures.length, 1);
  // the index under the root: the procedural families plus the three imports, each with its hash
  const idx = readIndex(root).index!;
  assert.equal(idx.assets.length, 186 + 3);
  const lib = loadLibrary({ root });
  assert.deepEqual(lib.invalid, {});
  assert.equal(lib.assets({ source: 'imported' }).length, 3);
  const inst = lib.instantiate(mug.id);
  assert.equal(inst.shape.kind, 'mesh');
  const tex = await lib.textureImage(lib.instantiate(banana.id));
  assert.ok(tex && tex.width > 0 && tex.rgba.length === tex.width * tex.height * 4);
  assert.deepEqual(validateLibrary(root).problems, []);
  // re-importing the same files replaces the entries instead of adding copies
  await importPath(join(models, 'bullet3_banana'), { libraryRoot: root, thumbnails: false });
  assert.equal(readIndex(root).index!.assets.length, 186 + 3);
  // ...and re-importing with other choices (a smaller texture: other content, another folder) leaves no orphan behind
  const folderOf = (e: { source: { kind: string; file?: string } }) => dirname((e.source as { file: string }).file);
  const before = readIndex(root).index!.assets.find((e) => e.id === banana.id)!;
  await importPath(join(models, 'bullet3_banana'), { libraryRoot: root, thumbnails: false, maxTextureSize: 32 });
  const after = readIndex(root).index!.assets.find((e) => e.id === banana.id)!;
  assert.notEqual(folderOf(after), folderOf(before));
  assert.ok(existsSync(join(root, folderOf(after))) && !existsSync(join(root, folderOf(before))), 'the replaced model\'s folder is gone');
  for (const e of [mug, can]) assert.ok(existsSync(join(root, folderOf(e))), `${e.id} kept`);
  assert.deepEqual(validateLibrary(root).problems, []);
});

test('imported assets behave in Rapier: the banana rests flat, a ball dropped into the imported mug stays inside', { skip: !have && 'shared fixtures not found' }, async () => {
  const lib = loadLibrary({ root: join(work, 'lib') });
  const banana = lib.instantiate(lib.assets({ category: 'banana', source: 'imported' })[0]);
  const d = await dropOnTable(banana);
  assert.ok(d.tiltDeg < 10 && d.restAt <= 2, `banana: ${d.tiltDeg.toFixed(1)}°, rest ${d.restAt}`);
  const can = lib.instantiate(lib.assets({ category: 'can', source: 'imported' })[0]);
  const c = await dropOnTable(can);
  assert.ok(c.tiltDeg < 10 && c.restAt <= 2, `can: ${c.tiltDeg.toFixed(1)}°, rest ${c.restAt}`);
  const mug = lib.instantiate(lib.assets({ category: 'mug', source: 'imported' })[0]);
  const m = await ballIntoContainer(mug, 0.015);
  assert.ok(m.inside, `ball at ${m.ballLocal.map((x) => x.toFixed(3))}`);
});

test('a GLB (y up, metres) imports z up at its size; category and names from the file name', async () => {
  const dir = join(work, 'glb');
  mkdirSync(dir, { recursive: true });
  // 2 cm × 8 cm (up) × 3 cm: a block standing on its end in glTF's y-up frame
  // glTF colours are linear: this is the palette's sRGB blue
  await writeGlb(join(dir, 'Wooden_Block_01.glb'), [0.02, 0.08, 0.03], [0.0134, 0.0648, 0.694, 1]);
  const r = await importModel(join(dir, 'Wooden_Block_01.glb'), { libraryRoot: join(work, 'lib-glb') });
  assert.ok(r.ok, r.ok ? '' : `${r.problem.reason}: ${r.problem.detail}`);
  if (!r.ok) return;
  assert.equal(r.entry.category, 'block');
  assert.ok(r.entry.synonyms.includes('wooden block'));
  assert.equal(r.entry.source.kind === 'imported' && r.entry.source.sourceUpAxis, '+y');
  // it stands on its 2 × 3 cm end or lies on a long face: either way its extents are the box's
  assert.deepEqual([...r.entry.size].sort(), [0.02, 0.03, 0.08]);
  assert.equal(r.entry.colorName, 'blue');
  // a sidecar overrides: category, name, up axis, colour
  writeFileSync(join(dir, 'Wooden_Block_01.json'), JSON.stringify({ category: 'box', name: 'tea box', up: '+z', color: 'red' }));
  const s = await importModel(join(dir, 'Wooden_Block_01.glb'), { libraryRoot: join(work, 'lib-glb') });
  assert.ok(s.ok && s.entry.category === 'box' && s.entry.colorName === 'red' && s.entry.id === 'imp-tea-box');
  // a CSV sidecar row for a model in the folder the import started from
  mkdirSync(join(dir, 'kitchen'), { recursive: true });
  writeFileSync(join(dir, 'kitchen', 'scan_0042.obj'), octahedronObj(0.05));
  writeFileSync(join(dir, 'assets.csv'), 'file,category,name,synonyms,color\nkitchen/scan_0042.obj,sponge,"scrub sponge",scourer;pad,yellow\n');
  const v = await importModel(join(dir, 'kitchen', 'scan_0042.obj'), { libraryRoot: join(work, 'lib-glb'), importRoot: dir });
  assert.ok(v.ok && v.entry.category === 'sponge' && v.entry.colorName === 'yellow' && v.entry.synonyms.includes('scourer') && v.entry.id === 'imp-scrub-sponge', JSON.stringify(v));
  // OBJ has no units: 8 units across reads as centimetres, 80 as millimetres; then into the category's size range
  writeFileSync(join(dir, 'big_apple.obj'), octahedronObj(4));
  const a = await importModel(join(dir, 'big_apple.obj'), { libraryRoot: join(work, 'lib-glb') });
  assert.ok(a.ok && Math.max(...a.entry.size) <= 0.1 + 1e-9 && a.entry.source.kind === 'imported' && a.entry.source.unitScale === 0.01, JSON.stringify(a));
  writeFileSync(join(dir, 'huge_apple.obj'), octahedronObj(400));
  const h = await importModel(join(dir, 'huge_apple.obj'), { libraryRoot: join(work, 'lib-glb') });
  // 800 mm is no apple: scaled down into the apple range (6–10 cm), and the scale is recorded
  assert.ok(h.ok && Math.max(...h.entry.size) <= 0.1 + 1e-6 && h.entry.source.kind === 'imported' && h.entry.source.unitScale === 0.001 && h.entry.source.scaleToCategory === 0.125, JSON.stringify(h));
});

function octahedronObj(r: number, extra = ''): string {
  return `${extra}v ${r} 0 0\nv ${-r} 0 0\nv 0 ${r} 0\nv 0 ${-r} 0\nv 0 0 ${r}\nv 0 0 ${-r}\nf 1 3 5\nf 3 2 5\nf 2 4 5\nf 4 1 5\nf 3 1 6\nf 2 3 6\nf 4 2 6\nf 1 4 6\n`;
}

test('bad models are reported one line each and skipped; the good ones in the same folder import', async () => {
  const dir = join(work, 'bad');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'empty_cup.obj'), 'o nothing\nv 0 0 0\n');
  writeFileSync(join(dir, 'nan_ball.obj'), octahedronObj(0.03).replace('v 0 0 0.03', 'v 0 0 nan'));
  writeFileSync(join(dir, 'evil_box.obj'), `mtllib evil_box.mtl\nusemtl m\n${octahedronObj(0.05)}`);
  writeFileSync(join(dir, 'evil_box.mtl'), 'newmtl m\nKd 1 0 0\nmap_Kd ../../etc/passwd\n');
  writeFileSync(join(dir, 'flat_plate.obj'), 'v 0 0 0\nv 1 0 0\nv 0 1 0\nv 1 1 0\nf 1 2 3\nf 2 4 3\n');
  writeFileSync(join(dir, 'sub', 'teapot.fbx'), 'Kaydara FBX Binary');
  writeFileSync(join(dir, 'giant_box.obj'), octahedronObj(1e7));
  writeFileSync(join(dir, 'plain_cup.obj'), `mtllib plain_cup.mtl\nusemtl m\n${octahedronObj(0.04)}`);
  writeFileSync(join(dir, 'plain_cup.mtl'), 'newmtl m\nmap_Kd textures/gone.png\n');
  writeFileSync(join(dir, 'good_orange.obj'), octahedronObj(0.04));
  // a missing .mtl and a texture named by an absolute Windows path whose file is next to the model: both survive
  writeFileSync(join(dir, 'sub', 'red_ball.obj'), `mtllib nowhere.mtl\n${octahedronObj(0.03)}`);
  writeFileSync(join(dir, 'sub', 'lemon_whole.obj'), `mtllib lemon_whole.mtl\nusemtl skin\nvt 0.5 0.5\n${octahedronObj(0.035).replace(/f (\d) (\d) (\d)/g, 'f $1/1 $2/1 $3/1')}`);
  writeFileSync(join(dir, 'sub', 'lemon_whole.mtl'), 'newmtl skin\nmap_Kd D:\\dev\\textures\\lemon.png\n');
  await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 240, g: 210, b: 30 } } }).png().toFile(join(dir, 'sub', 'lemon.png'));
  const root = join(work, 'lib-bad');
  const r = await importPath(dir, { libraryRoot: root, thumbnails: false, concurrency: 3 });
  const reasons = Object.fromEntries(r.failed.map((p) => [p.asset.split('/').pop(), p.reason]));
  assert.deepEqual(reasons, {
    'teapot.fbx': 'unknown-format',
    'empty_cup.obj': 'empty-mesh',
    'evil_box.obj': 'outside-root',
    'flat_plate.obj': 'degenerate-mesh',
    'nan_ball.obj': 'non-finite-vertex',
    'giant_box.obj': 'absurd-size',
    'plain_cup.obj': 'missing-texture',
  });
  assert.deepEqual(r.imported.map((e) => e.category).sort(), ['ball', 'lemon', 'orange']);
  assert.ok(r.warnings.some((w) => /nowhere\.mtl is missing/.test(w)));
  assert.ok(r.warnings.some((w) => /absolute path; used lemon\.png/.test(w)));
  assert.equal(r.imported.find((e) => e.category === 'lemon')!.colorName, 'yellow');
  // nothing outside the library root was read or written: the passwd line is only named, never opened
  assert.ok(!readFileSync(join(root, 'index.json'), 'utf8').includes('root:x:0'));
  // the CLI: one line per bad model naming it and the reason, non-zero exit; validate says the same
  const cli = await runAssetsCli(['import', dir, '--library', join(work, 'lib-bad-cli'), '--no-thumbnails', '--no-workers']);
  assert.equal(cli.code, 1);
  const lines = cli.stderr.trim().split('\n');
  assert.equal(lines.length, 7, cli.stderr);
  for (const l of lines) assert.match(l, /^error \/.+\.(obj|fbx): (unknown-format|empty-mesh|outside-root|degenerate-mesh|non-finite-vertex|absurd-size|missing-texture): .+/);
  assert.match(cli.stdout, /3 imported, 7 failed/);
  const v = await validateModels(dir);
  assert.deepEqual(v.byReason, { 'empty-mesh': 1, 'degenerate-mesh': 1, 'non-finite-vertex': 1, 'absurd-size': 1, 'missing-texture': 1, 'outside-root': 1, 'unknown-format': 1 });
  const vc = await runAssetsCli(['validate', join(dir, 'sub', 'teapot.fbx')]);
  assert.equal(vc.code, 1);
  assert.match(vc.stderr, /teapot\.fbx: unknown-format: /);
});

test('glTF: an image outside the model folder is refused, a missing one is a missing texture', async () => {
  const dir = join(work, 'gltf');
  mkdirSync(join(dir, 'inner'), { recursive: true });
  await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } }).png().toFile(join(dir, 'secret.png'));
  writeGltfWithImage(join(dir, 'inner', 'red_cube.gltf'), 0.04, '../secret.png');
  const a = await importModel(join(dir, 'inner', 'red_cube.gltf'), { libraryRoot: join(work, 'lib-gltf') });
  assert.ok(!a.ok && a.problem.reason === 'outside-root', JSON.stringify(a));
  writeGltfWithImage(join(dir, 'inner', 'blue_cube.gltf'), 0.04, 'gone.png');
  const b = await importModel(join(dir, 'inner', 'blue_cube.gltf'), { libraryRoot: join(work, 'lib-gltf') });
  assert.ok(!b.ok && b.problem.reason === 'missing-texture', JSON.stringify(b));
  cpSync(join(dir, 'secret.png'), join(dir, 'inner', 'gone.png'));
  const c = await importModel(join(dir, 'inner', 'blue_cube.gltf'), { libraryRoot: join(work, 'lib-gltf') });
  assert.ok(c.ok && c.entry.colorName === 'red' && c.entry.source.kind === 'imported' && c.entry.source.textures.length === 1, JSON.stringify(c));
});

test('a folder of many models imports in parallel, one job per model', async () => {
  const dir = join(work, 'many');
  const n = 24;
  for (let i = 0; i < n; i++) {
    mkdirSync(join(dir, `m${i}`), { recursive: true });
    writeFileSync(join(dir, `m${i}`, `ball_${String.fromCharCode(97 + (i % 26))}${i}.obj`), octahedronObj(0.02 + i * 0.001));
  }
  const started = Date.now();
  const r = await importPath(dir, { libraryRoot: join(work, 'lib-many'), thumbnails: false, concurrency: 4 });
  assert.equal(r.imported.length, n);
  assert.equal(new Set(r.imported.map((e) => e.id)).size, n, 'distinct ids');
  assert.equal(readIndex(join(work, 'lib-many')).index!.assets.filter((a) => a.source.kind === 'imported').length, n);
  assert.ok(Date.now() - started < 60_000);
});
