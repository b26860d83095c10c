// The renderer against the SPEC's camera contract and its own promises: pixels agree with camera.ts's K and T,
// depth is camera-frame z, ids are instance ids, row 0 is the top row, odd widths work, frames are pipelined,
// the same scene gives the same bytes, and nothing grows over thousands of frames.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cameraModel, project, toCamera, type CameraSpec } from '../core/camera.js';
import type { Vec3 } from '../core/math.js';
import type { Scene } from '../core/scene.js';
import { Renderer, shutdownRendering, type FrameBuffers } from '../generators/rendering/index.js';
import { LIGHTING, TABLE_TOP_Z, material, object, table, tableScene } from './helpers/renderScenes.js';
import { robotModel } from '../assets/robots/index.js';
import { addRobotToScene } from '../generators/demos/pick-place.js';
import { FIRST_OBJECT_ID, FIRST_ROBOT_LINK_ID } from '../core/scene.js';
import { DataTexture } from 'three/webgpu';
import { irradianceCoefficients } from '../generators/rendering/irradiance.js';

let renderer: Renderer;

before(async () => {
  renderer = await Renderer.create();
});

after(() => {
  renderer.dispose();
  shutdownRendering();
});

function scene(objects: Scene['objects'], cameras: CameraSpec[] = []): Scene {
  return { seed: 0, objects, cameras, lighting: { ...LIGHTING }, tableTopZ: TABLE_TOP_Z };
}

/** Centroid of an id's pixels, pixel centres at i + 0.5; null if the id is not visible. */
function centroid(f: FrameBuffers, id: number): { u: number; v: number; n: number } | null {
  let su = 0;
  let sv = 0;
  let n = 0;
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      if (f.ids[y * f.width + x] === id) {
        su += x + 0.5;
        sv += y + 0.5;
        n++;
      }
    }
  }
  return n === 0 ? null : { u: su / n, v: sv / n, n };
}

function bbox(f: FrameBuffers, id: number): { w: number; h: number } {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < f.ids.length; i++) {
    if (f.ids[i] !== id) continue;
    const x = i % f.width;
    const y = Math.floor(i / f.width);
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** Camera-frame z where the ray through pixel position (u, v) first meets a sphere (centre in camera frame). */
function rayHitZ(spec: CameraSpec, c: Vec3, r: number, u: number, v: number): number {
  const K = cameraModel(spec).K;
  const d: Vec3 = [(u - K[2]) / K[0], (v - K[5]) / K[4], 1];
  const dd = d[0] * d[0] + d[1] * d[1] + 1;
  const dc = d[0] * c[0] + d[1] * c[1] + d[2] * c[2];
  const cc = c[0] * c[0] + c[1] * c[1] + c[2] * c[2];
  const disc = dc * dc - dd * (cc - r * r);
  assert.ok(disc >= 0, 'pixel ray misses the sphere');
  return (dc - Math.sqrt(disc)) / dd; // d.z = 1, so the ray parameter is the hit's z
}

const SPHERE_R = 0.01;
const POINTS: Vec3[] = [
  [0, 0, TABLE_TOP_Z + 0.05],
  [0.15, 0.1, TABLE_TOP_Z + 0.02],
  [-0.2, 0.05, TABLE_TOP_Z + 0.12],
  [0.1, -0.18, TABLE_TOP_Z + 0.01],
  [-0.08, -0.12, TABLE_TOP_Z + 0.2],
];
const PROJECTION_CAMERAS: CameraSpec[] = [
  { name: 'front', width: 256, height: 256, fovYDeg: 50, position: [0.7, -0.5, 1.25], target: [0, 0, TABLE_TOP_Z] },
  { name: 'left', width: 256, height: 256, fovYDeg: 40, position: [-0.6, 0.55, 1.1], target: [0.02, -0.03, TABLE_TOP_Z + 0.05] },
  // non-square, and not a multiple of 64 texels wide: readback rows are padded to 256 bytes
  { name: 'wide', width: 300, height: 170, fovYDeg: 45, position: [0.05, -0.8, 1.0], target: [0, 0, TABLE_TOP_Z + 0.05] },
  // straight down: camera.ts's degenerate-up rule must hold here too
  { name: 'top', width: 256, height: 192, fovYDeg: 50, position: [0, 0, TABLE_TOP_Z + 0.55], target: [0, 0, TABLE_TOP_Z] },
  // a jittered camera: field of view off the round number, principal point off the centre (K's cx, cy)
  { name: 'shifted', width: 256, height: 200, fovYDeg: 47.3, position: [0.66, -0.52, 1.2], target: [0.01, 0.02, TABLE_TOP_Z + 0.01], principalOffset: [13.4, -9.7] },
];

async function checkProjections(cameras: CameraSpec[], radius: number): Promise<void> {
  // clear of the table top, so no sphere is partly hidden in it
  const points = POINTS.map((p): Vec3 => [p[0], p[1], Math.max(p[2], TABLE_TOP_Z + radius + 0.002)]);
  const objs = points.map((p, i) => object(10 + i, { kind: 'sphere', radius }, p, material([0.9, 0.2, 0.2])));
  renderer.setScene(scene([table(), ...objs]));
  const frames = await renderer.renderAll(cameras);
  for (const [ci, f] of frames.entries()) {
    const spec = cameras[ci];
    assert.equal(f.camera, spec.name);
    assert.equal(f.rgba.length, spec.width * spec.height * 4);
    assert.equal(f.depth.length, spec.width * spec.height);
    assert.equal(f.ids.length, spec.width * spec.height);
    const cam = cameraModel(spec);
    for (const [i, p] of points.entries()) {
      const [u, v] = project(cam, p);
      const c = centroid(f, 10 + i);
      assert.ok(c !== null, `${spec.name}: sphere ${i} not visible (expected at ${u.toFixed(1)},${v.toFixed(1)})`);
      assert.ok(c.n >= 9, `${spec.name}: sphere ${i} covers only ${c.n} px`);
      const err = Math.hypot(c.u - u, c.v - v);
      if (process.env.RENDER_TEST_VERBOSE) console.log(`${spec.name} sphere ${i}: ${c.n} px, centroid error ${err.toFixed(3)} px`);
      assert.ok(err < 0.5, `${spec.name}: sphere ${i} centroid (${c.u.toFixed(2)},${c.v.toFixed(2)}) vs projection (${u.toFixed(2)},${v.toFixed(2)}): ${err.toFixed(3)} px`);
      // depth at the pixel holding the projected centre: the camera-frame z where that pixel's ray (through its
      // centre) meets the sphere — about z - r, exactly so up to tessellation
      const px = Math.floor(u);
      const py = Math.floor(v);
      assert.equal(f.ids[py * f.width + px], 10 + i);
      const d = f.depth[py * f.width + px];
      const z = toCamera(cam, p)[2];
      const hit = rayHitZ(spec, toCamera(cam, p), radius, px + 0.5, py + 0.5);
      assert.ok(Math.abs(d - hit) < 0.001, `${spec.name}: sphere ${i} depth ${d.toFixed(4)} vs ray hit ${hit.toFixed(4)}`);
      assert.ok(Math.abs(d - (z - radius)) < 0.005, `${spec.name}: sphere ${i} depth ${d.toFixed(4)} vs z - r ${(z - radius).toFixed(4)}`);
    }
  }
}

test('1 cm sphere centroids land on camera.ts projections (256², non-square, straight down, principal point off centre); depth ≈ z - r', async () => {
  await checkProjections(PROJECTION_CAMERAS, SPHERE_R);
});

test('100×75 frames (rows padded for the copy) agree with camera.ts too', async () => {
  // at this size a 1 cm sphere is ~2 px across: 3 cm ones give a centroid worth testing
  const odd: CameraSpec = { name: 'odd', width: 100, height: 75, fovYDeg: 40, position: [0.45, 0.35, 1.05], target: [-0.02, -0.02, TABLE_TOP_Z + 0.08] };
  await checkProjections([odd], 0.03);
});

test('depth is camera-frame z (along the optical axis), not ray length; background is 0', async () => {
  // a wall perpendicular to a horizontal optical axis: every wall pixel has the same z, ray lengths differ
  const wall = object(5, { kind: 'box', size: [0.02, 4, 4] }, [2.01, 0, 1], material([0.5, 0.5, 0.5]));
  const spec: CameraSpec = { name: 'wall', width: 160, height: 120, fovYDeg: 60, position: [0, 0, 1], target: [1, 0, 1] };
  renderer.setScene(scene([wall]));
  const f = await renderer.render(spec);
  for (const i of [0, f.width - 1, (f.height - 1) * f.width, f.ids.length - 1, (f.height / 2) * f.width + f.width / 2]) {
    assert.equal(f.ids[i], 5);
    assert.ok(Math.abs(f.depth[i] - 2.0) < 1e-3, `pixel ${i}: depth ${f.depth[i]}`);
  }
  // a camera looking away sees only background
  const away = await renderer.render({ ...spec, name: 'away', target: [-1, 0, 1] });
  assert.ok(away.ids.every((x) => x === 0));
  assert.ok(away.depth.every((x) => x === 0));
  const bg = LIGHTING.background.map((c) => Math.round(c * 255));
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(away.rgba[k] - bg[k]) <= 1, `background channel ${k}: ${away.rgba[k]} vs ${bg[k]}`);
  assert.equal(away.rgba[3], 255);
});

test('row 0 is the top of the image', async () => {
  const spec: CameraSpec = { name: 'rows', width: 96, height: 64, fovYDeg: 50, position: [-1, 0, 1], target: [0, 0, 1] };
  // world z is image up: a sphere above the optical axis must be in the upper rows
  renderer.setScene(scene([object(3, { kind: 'sphere', radius: 0.05 }, [0, 0, 1.25], material([0.2, 0.8, 0.2]))]));
  const f = await renderer.render(spec);
  const c = centroid(f, 3);
  assert.ok(c !== null && c.v < f.height / 2, `sphere above the axis at row ${c?.v}`);
});

test('cylinders, capsules and cones stand along +z; meshes without normals render', async () => {
  const shapes = [
    object(2, { kind: 'cylinder', radius: 0.02, height: 0.2 }, [0, -0.15, 1], material([0.2, 0.2, 0.9])),
    object(3, { kind: 'capsule', radius: 0.02, height: 0.16 }, [0, 0, 1], material([0.9, 0.9, 0.2])),
    object(4, { kind: 'cone', radius: 0.03, height: 0.2 }, [0, 0.15, 1], material([0.2, 0.9, 0.9])),
    object(5, {
      kind: 'mesh',
      positions: new Float32Array([-0.02, -0.02, -0.1, 0.02, -0.02, -0.1, 0, 0.02, -0.1, 0, 0, 0.1]),
      indices: new Uint32Array([0, 2, 1, 0, 1, 3, 1, 2, 3, 2, 0, 3]),
    }, [0, 0.3, 1], material([0.9, 0.5, 0.1])),
  ];
  renderer.setScene(scene(shapes));
  const f = await renderer.render({ name: 'side', width: 200, height: 150, fovYDeg: 40, position: [-1.2, 0.07, 1], target: [0, 0.07, 1] });
  for (const id of [2, 3, 4, 5]) {
    const b = bbox(f, id);
    assert.ok(b.h > 2.5 * b.w, `object ${id} is ${b.w}×${b.h} px: not standing along +z`);
  }
  // the cone's apex is up: its top rows are narrower than its bottom rows
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < f.height; y++) {
    let n = 0;
    for (let x = 0; x < f.width; x++) if (f.ids[y * f.width + x] === 4) n++;
    if (n > 0 && top < 0) top = n;
    if (n > 0) bottom = n;
  }
  assert.ok(top < bottom, `cone rows: top ${top} px wide, bottom ${bottom}`);
});

test('the sun casts shadows on the table; the table keeps its own light', async () => {
  // sunlight travels along LIGHTING.sunDirection = (0.4, 0.3, -1): a 30 cm post's shadow falls towards +x +y
  const post = object(2, { kind: 'box', size: [0.05, 0.05, 0.3] }, [0, 0, TABLE_TOP_Z + 0.15], material([0.8, 0.8, 0.8]));
  renderer.setScene(scene([table(), post]));
  const spec: CameraSpec = { name: 'shadow', width: 200, height: 200, fovYDeg: 50, position: [0, 0, TABLE_TOP_Z + 0.8], target: [0, 0, TABLE_TOP_Z] };
  const f = await renderer.render(spec);
  const cam = cameraModel(spec);
  const luminance = (p: Vec3) => {
    const [u, v] = project(cam, p);
    const i = Math.floor(v) * f.width + Math.floor(u);
    assert.equal(f.ids[i], 1, 'the probe point shows the table');
    return 0.2126 * f.rgba[i * 4] + 0.7152 * f.rgba[i * 4 + 1] + 0.0722 * f.rgba[i * 4 + 2];
  };
  const shadowed = luminance([0.08, 0.06, TABLE_TOP_Z]);
  const lit = luminance([-0.08, -0.06, TABLE_TOP_Z]);
  const litFar = luminance([0.3, -0.2, TABLE_TOP_Z]);
  if (process.env.RENDER_TEST_VERBOSE) console.log({ shadowed, lit, litFar });
  assert.ok(shadowed < 0.75 * lit, `shadowed ${shadowed.toFixed(1)} vs lit ${lit.toFixed(1)}`);
  assert.ok(Math.abs(lit - litFar) < 0.1 * lit, `lit table uneven: ${lit.toFixed(1)} vs ${litFar.toFixed(1)} (shadow acne?)`);
});

test('a shadow edge width softens the shadow; 0 is the sharp edge as before', async () => {
  const post = object(2, { kind: 'box', size: [0.05, 0.05, 0.3] }, [0, 0, TABLE_TOP_Z + 0.15], material([0.8, 0.8, 0.8]));
  const spec: CameraSpec = { name: 'soft', width: 200, height: 200, fovYDeg: 50, position: [0, 0, TABLE_TOP_Z + 0.8], target: [0, 0, TABLE_TOP_Z] };
  const shot = async (shadowEdge?: number) => {
    const s = scene([table(), post]);
    renderer.setScene({ ...s, lighting: { ...s.lighting, ...(shadowEdge !== undefined ? { shadowEdge } : {}) } });
    const f = await renderer.render(spec);
    return { ...f, rgba: f.rgba.slice(), ids: f.ids.slice() };
  };
  const unset = await shot(), sharp = await shot(0), soft = await shot(0.008);
  assert.ok(Buffer.from(unset.rgba).equals(Buffer.from(sharp.rgba)), 'an edge of 0 draws what no edge drew');
  // the table's pixels between the shadow's darkness and the lit table's brightness: the penumbra
  const luminance = (f: FrameBuffers, i: number) => 0.2126 * f.rgba[i * 4] + 0.7152 * f.rgba[i * 4 + 1] + 0.0722 * f.rgba[i * 4 + 2];
  const penumbra = (f: FrameBuffers) => {
    const table = [...f.ids.keys()].filter((i) => f.ids[i] === 1).map((i) => luminance(f, i)).sort((a, b) => a - b);
    const dark = table[Math.floor(table.length * 0.01)], lit = table[Math.floor(table.length * 0.9)];
    return table.filter((l) => l > dark + 0.2 * (lit - dark) && l < lit - 0.2 * (lit - dark)).length;
  };
  const [p1, p4] = [penumbra(sharp), penumbra(soft)];
  if (process.env.RENDER_TEST_VERBOSE) console.log({ p1, p4 });
  // at ~3.7 mm a pixel, an 8 mm edge around the post's ~40 cm shadow outline is a band of a hundred pixels or more
  assert.ok(p4 > Math.max(100, 2.5 * p1), `penumbra pixels: ${p1} sharp, ${p4} with an 8 mm edge`);
});

test('same scene and seed give the same bytes', async () => {
  const spec = { name: 'det', width: 200, height: 150, fovYDeg: 50, position: [0.9, -0.7, 1.45] as Vec3, target: [0, 0, TABLE_TOP_Z] as Vec3 };
  const render = async () => {
    renderer.setScene(tableScene(20, 1234, [spec]));
    return renderer.render(spec);
  };
  const a = await render();
  renderer.setScene(tableScene(20, 99)); // something else in between, to stir the caches
  await renderer.render(spec);
  const b = await render();
  assert.ok(Buffer.from(a.rgba).equals(Buffer.from(b.rgba)), 'rgba differs');
  assert.ok(Buffer.from(a.depth.buffer).equals(Buffer.from(b.depth.buffer)), 'depth differs');
  assert.ok(Buffer.from(a.ids.buffer).equals(Buffer.from(b.ids.buffer)), 'ids differ');
  assert.ok(new Set(a.ids).size > 10, 'the scene shows its objects');
});

test('an environment map lights the scene and stands behind it: background depth and id stay 0, objects\' ids and depth unchanged', async () => {
  const spec = { name: 'env', width: 200, height: 150, fovYDeg: 55, position: [0.9, -0.7, 0.9] as Vec3, target: [0, 0, TABLE_TOP_Z] as Vec3 };
  const flat = tableScene(12, 77, [spec]);
  const lit = (rotation: number): Scene => ({ ...flat, lighting: { ...flat.lighting, environment: { map: 'lab', rotation, intensity: 0.5, background: true }, exposure: 1 } });
  renderer.setScene(flat);
  const a = await renderer.render(spec);
  await renderer.loadTextures(lit(0.4));
  renderer.setScene(lit(0.4));
  const b = await renderer.render(spec);
  // the map is drawn behind the table as a mesh: it must not write its far-plane depth or any id
  const background = [...b.ids.keys()].filter((i) => b.ids[i] === 0);
  assert.ok(background.length > 1000, `${background.length} background pixels`);
  assert.ok(background.every((i) => b.depth[i] === 0), 'background depth is 0');
  assert.ok(Buffer.from(a.ids.buffer).equals(Buffer.from(b.ids.buffer)), 'the map changes no id');
  assert.ok(Buffer.from(a.depth.buffer).equals(Buffer.from(b.depth.buffer)), 'the map changes no depth');
  // the room shows: background pixels vary (the flat sky is one colour) and differ from the flat render
  const lum = (f: FrameBuffers, i: number) => f.rgba[4 * i] + f.rgba[4 * i + 1] + f.rgba[4 * i + 2];
  const values = new Set(background.map((i) => lum(b, i) >> 3));
  assert.ok(values.size > 8, `${values.size} distinct background levels`);
  assert.equal(new Set(background.map((i) => lum(a, i))).size, 1);
  // turning the map turns the room behind the table; the same turn gives the same bytes
  renderer.setScene(lit(2.4));
  const c = await renderer.render(spec);
  const moved = background.filter((i) => Math.abs(lum(b, i) - lum(c, i)) > 24).length;
  assert.ok(moved > background.length / 4, `${moved} of ${background.length} background pixels changed with the turn`);
  renderer.setScene(lit(0.4));
  const d = await renderer.render(spec);
  assert.ok(Buffer.from(b.rgba).equals(Buffer.from(d.rgba)), 'same map and turn, same pixels');
});

test('the room\'s diffuse light from nine SH coefficients matches the irradiance integrated over the map, the top row being up', () => {
  // a 128×64 map (rows top first, as decoded): the upper half of the room white, a warm patch low on the +x wall
  const w = 128, h = 64;
  const data = new Float32Array(w * h * 4);
  const radiance = (i: number, j: number): [number, number, number] => {
    const up = j < h / 2 ? 1 : 0;
    const patch = j > h / 2 && j < (3 * h) / 4 && Math.abs(i - w / 2) < w / 16 ? 4 : 0;
    return [up + patch, up + patch / 2, up];
  };
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) data.set([...radiance(i, j), 1], (j * w + i) * 4);
  const c = irradianceCoefficients(new DataTexture(data, w, h));
  const sh = (n: Vec3, ch: number) => {
    const [x, y, z] = n, k = (i: number) => c[3 * i + ch];
    return k(0) + k(1) * y + k(2) * z + k(3) * x + k(4) * x * y + k(5) * y * z + k(6) * (3 * z * z - 1) + k(7) * x * z + k(8) * (x * x - y * y);
  };
  // E(n) = ∫ L(ω) max(0, n·ω) dω, directions as three's equirectUV reads the map (u = atan2(z, x)/2π + ½, v = asin(y)/π + ½)
  const exact = (n: Vec3, ch: number) => {
    let e = 0;
    for (let j = 0; j < h; j++) {
      const y = Math.sin((0.5 - (j + 0.5) / h) * Math.PI), cl = Math.sqrt(1 - y * y);
      for (let i = 0; i < w; i++) {
        const phi = ((i + 0.5) / w - 0.5) * 2 * Math.PI;
        const d: Vec3 = [cl * Math.cos(phi), y, cl * Math.sin(phi)];
        e += radiance(i, j)[ch] * Math.max(0, n[0] * d[0] + n[1] * d[1] + n[2] * d[2]) * cl * ((2 * Math.PI) / w) * (Math.PI / h);
      }
    }
    return e;
  };
  for (const n of [[0, 1, 0], [0, -1, 0], [1, 0, 0], [-1, 0, 0], [0, 0, 1], [0.6, -0.8, 0], [0.48, 0.6, 0.64]] as Vec3[]) {
    for (let ch = 0; ch < 3; ch++) {
      // nine coefficients hold irradiance to a few per cent of its range (Ramamoorthi & Hanrahan: ≤ 3 % on average)
      assert.ok(Math.abs(sh(n, ch) - exact(n, ch)) < 0.1 * Math.PI, `n = ${n}, channel ${ch}: ${sh(n, ch).toFixed(3)} against ${exact(n, ch).toFixed(3)}`);
    }
  }
  assert.ok(sh([0, 1, 0], 2) > 5 * Math.max(0.01, sh([0, -1, 0], 2)), 'light comes from above: the top row is up');
  assert.ok(sh([1, 0, 0], 0) > sh([-1, 0, 0], 0) + 0.5, 'the warm patch lights what faces +x');
});

test('a still camera draws the sky and the table\'s light from images made once per scene: every frame matches drawing them live, moving shadows included', async () => {
  const still: CameraSpec = { name: 'still', width: 160, height: 120, fovYDeg: 55, position: [0.8, -0.6, TABLE_TOP_Z + 0.35], target: [0, 0, TABLE_TOP_Z] };
  // a wrist-mounted spec at the same pose draws everything every frame (its pose could change): the reference
  const live: CameraSpec = { ...still, name: 'live', mount: 'tcp' };
  const flat = tableScene(10, 31, [still]);
  // the table as builds draw it: a plank top in relief, lit by the room and the sun
  const plank = { ...flat.objects[0].material, roughness: 0.55, texture: { pattern: 'planks', seed: 3, rgb: [0.76, 0.6, 0.42] as Vec3, size: 512, tiles: [4, 4] as [number, number] }, maps: { relief: 1.5 } };
  const room = (rotation: number): Scene => ({
    ...flat,
    objects: flat.objects.map((o, i) => (i === 0 ? { ...o, material: plank } : o)),
    // a low sun across the view: the box's shadow lies beside it, in sight
    lighting: { ...flat.lighting, sunDirection: [0.6, 0.8, -0.5], environment: { map: 'lab', rotation, intensity: 0.6, background: true }, exposure: 1.1 },
  });
  const lit = room(1.1);
  // a 12 cm box in the middle of the view, its shadow on the table
  const moving = lit.objects.find((o) => o.id >= FIRST_OBJECT_ID)!;
  moving.shape = { kind: 'box', size: [0.12, 0.12, 0.12] };
  moving.pose = { position: [-0.1, 0, TABLE_TOP_Z + 0.06], quaternion: [0, 0, 0, 1] };
  await renderer.loadTextures(lit);
  renderer.setScene(lit);
  const tableId = lit.objects[0].id;
  // the images hold linear light in half floats: within a few levels of shading live, depth and ids exact
  const close = (a: FrameBuffers, b: FrameBuffers, what: string) => {
    let worst = 0, sum = 0;
    for (let i = 0; i < a.rgba.length; i++) {
      const d = Math.abs(a.rgba[i] - b.rgba[i]);
      worst = Math.max(worst, d);
      sum += d;
    }
    assert.ok(worst <= 8 && sum / a.rgba.length < 0.1, `${what}: colour differs by ${worst} at most, ${(sum / a.rgba.length).toFixed(3)} on average`);
    assert.ok(Buffer.from(a.depth.buffer).equals(Buffer.from(b.depth.buffer)), `${what}: depth differs`);
    assert.ok(Buffer.from(a.ids.buffer).equals(Buffer.from(b.ids.buffer)), `${what}: ids differ`);
    const sky = [...a.ids.keys()].filter((i) => a.ids[i] === 0);
    assert.ok(sky.length > 100 && sky.every((i) => [0, 1, 2, 3].every((c) => a.rgba[4 * i + c] === b.rgba[4 * i + c])), `${what}: the sky is the one drawn live, byte for byte`);
  };
  const frames: FrameBuffers[] = [];
  for (const dx of [0, 0.05, 0.05]) {
    moving.pose.position[0] += dx;
    const [a, b] = await Promise.all([renderer.render(still), renderer.render(live)]);
    close(a, b, `at x = ${moving.pose.position[0].toFixed(2)} m`);
    frames.push(a);
  }
  // the moved object's shadow moved across the table in the still camera's frames
  const lum = (f: FrameBuffers, i: number) => f.rgba[4 * i] + f.rgba[4 * i + 1] + f.rgba[4 * i + 2];
  const shaded = [...frames[0].ids.keys()].filter((i) => frames[0].ids[i] === tableId && frames[2].ids[i] === tableId && Math.abs(lum(frames[0], i) - lum(frames[2], i)) > 60).length;
  assert.ok(shaded > 100, `${shaded} table pixels went in or out of shadow`);
  // another scene's room: the images are made anew, not the last scene's
  renderer.setScene(room(2.9));
  const [c, d] = await Promise.all([renderer.render(still), renderer.render(live)]);
  close(c, d, 'a turned map');
});

test('the Panda is drawn with its real meshes where its kinematic links are: white shells, dark joints', async () => {
  const spec: CameraSpec = { name: 'arm', width: 240, height: 200, fovYDeg: 50, position: [0.4, -0.9, TABLE_TOP_Z + 0.7], target: [-0.3, 0, TABLE_TOP_Z + 0.35] };
  const withArm = (drawMeshes: boolean): Scene => {
    const s = scene([table()]);
    addRobotToScene(s, robotModel('panda'), { position: [-0.45, 0, TABLE_TOP_Z], quaternion: [0, 0, 0, 1] });
    if (!drawMeshes) s.objects = s.objects.map(({ visual: _, ...o }) => o);
    return s;
  };
  const arm = (f: FrameBuffers) => new Set([...f.ids.keys()].filter((i) => f.ids[i] >= FIRST_ROBOT_LINK_ID));
  renderer.setScene(withArm(true));
  const real = await renderer.render(spec);
  renderer.setScene(withArm(false));
  const simple = await renderer.render(spec);
  const a = arm(real), b = arm(simple);
  const both = [...a].filter((i) => b.has(i)).length;
  const iou = both / (a.size + b.size - both);
  // the capsules are fitted to the collision meshes: the real silhouette overlaps theirs well, link by link in place
  assert.ok(a.size > 2000 && iou > 0.6, `arm pixels ${a.size} (capsules ${b.size}), IoU ${iou.toFixed(2)}`);
  const lum = (i: number) => (real.rgba[4 * i] + real.rgba[4 * i + 1] + real.rgba[4 * i + 2]) / 3;
  const light = [...a].filter((i) => lum(i) > 140).length, dark = [...a].filter((i) => lum(i) < 70).length;
  assert.ok(light > a.size * 0.2 && dark > a.size * 0.05, `white ${light}, dark ${dark} of ${a.size} arm pixels`);
});

test('pipelined: every frame shows the poses at its render() call, while earlier frames are in flight', async () => {
  const spec: CameraSpec = { name: 'pipe', width: 128, height: 128, fovYDeg: 50, position: [0.7, -0.5, 1.25], target: [0, 0, TABLE_TOP_Z] };
  const ball = object(7, { kind: 'sphere', radius: 0.015 }, [0, 0, TABLE_TOP_Z + 0.05], material([0.9, 0.9, 0.9]));
  renderer.setScene(scene([table(), ball]));
  const xs = Array.from({ length: 12 }, (_, i) => -0.25 + i * 0.045);
  const pending: Promise<FrameBuffers>[] = [];
  let maxInFlight = 0;
  for (const x of xs) {
    ball.pose.position[0] = x; // what physics does between frames
    pending.push(renderer.render(spec));
    maxInFlight = Math.max(maxInFlight, renderer.inFlight);
  }
  assert.ok(maxInFlight > 1, `only ${maxInFlight} readback(s) in flight`);
  const frames = await Promise.all(pending);
  const cam = cameraModel(spec);
  for (const [i, f] of frames.entries()) {
    const [u, v] = project(cam, [xs[i], 0, TABLE_TOP_Z + 0.05]);
    const c = centroid(f, 7);
    assert.ok(c !== null && Math.hypot(c.u - u, c.v - v) < 0.5, `frame ${i}: ball at ${c?.u},${c?.v}, expected ${u},${v}`);
  }
});

test('recycled frame arrays are reused and fully overwritten', async () => {
  const spec: CameraSpec = { name: 'recycle', width: 120, height: 90, fovYDeg: 50, position: [0.7, -0.5, 1.25], target: [0, 0, TABLE_TOP_Z] };
  renderer.setScene(tableScene(8, 3, [spec]));
  const first = await renderer.render(spec);
  const reference = await renderer.render(spec);
  renderer.recycle(first);
  const again = await renderer.render(spec);
  assert.equal(again.rgba, first.rgba, 'recycled arrays were not reused');
  assert.ok(Buffer.from(again.rgba).equals(Buffer.from(reference.rgba)));
  assert.ok(Buffer.from(again.depth.buffer).equals(Buffer.from(reference.depth.buffer)));
  assert.ok(Buffer.from(again.ids.buffer).equals(Buffer.from(reference.ids.buffer)));
});

test('2000 frames over 10 scene rebuilds: GPU resources and RSS stay flat', async () => {
  const cams: CameraSpec[] = [
    { name: 'a', width: 96, height: 96, fovYDeg: 50, position: [0.9, -0.7, 1.45], target: [0, 0, TABLE_TOP_Z] },
    { name: 'b', width: 80, height: 60, fovYDeg: 45, position: [-0.8, 0.9, 1.3], target: [0, 0, TABLE_TOP_Z] },
  ];
  const samples: { frame: number; rss: number; geometries: number; textures: number; materials: number }[] = [];
  let frame = 0;
  for (let rebuild = 0; rebuild < 10; rebuild++) {
    // a new random scene each time: new colours (materials), new capsule sizes and mesh arrays (geometries); in a
    // room turned anew, as builds draw them (each still camera's sky and table images are made per scene)
    const plain = tableScene(12, 500 + rebuild, cams);
    const sc: Scene = { ...plain, lighting: { ...plain.lighting, environment: { map: 'lab', rotation: rebuild, intensity: 0.5, background: true }, exposure: 1 } };
    await renderer.loadTextures(sc);
    renderer.setScene(sc);
    const inflight: Promise<FrameBuffers>[] = [];
    for (let step = 0; step < 100; step++) {
      for (const o of sc.objects.slice(1)) o.pose.position[2] += 0.0005;
      for (const c of cams) inflight.push(renderer.render(c));
      frame += cams.length;
      while (inflight.length > 6) await inflight.shift();
    }
    await Promise.all(inflight);
    const m = renderer.memory;
    samples.push({ frame, rss: process.memoryUsage().rss, geometries: m.geometries, textures: m.textures, materials: m.cachedMaterials });
  }
  assert.equal(frame, 2000);
  if (process.env.RENDER_TEST_VERBOSE) console.log(samples);
  const warm = samples[3];
  const last = samples[samples.length - 1];
  for (const s of samples.slice(3)) {
    assert.ok(s.geometries <= warm.geometries + 2, `geometries grew: ${JSON.stringify(samples)}`);
    assert.ok(s.textures <= warm.textures, `textures grew: ${JSON.stringify(samples)}`);
    assert.ok(s.materials <= 13 * 3, `material cache unbounded: ${s.materials}`);
  }
  const growthMb = (last.rss - warm.rss) / 2 ** 20;
  assert.ok(growthMb < 40, `RSS grew ${growthMb.toFixed(1)} MiB over ${last.frame - warm.frame} frames`);
});

test('without a Vulkan driver: one clear RendererUnavailableError naming the driver to install', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const script = [
    "import { Renderer } from './generators/rendering/index.js';",
    'try { await Renderer.create(); console.log("CREATED"); }',
    'catch (e) { console.log(JSON.stringify({ name: e.name, ctor: e.constructor.name, message: e.message })); }',
  ].join('\n');
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = out.trim().split('\n').pop() ?? '';
  assert.notEqual(line, 'CREATED', 'rendered without a driver: a silent fallback');
  const err = JSON.parse(line) as { name: string; ctor: string; message: string };
  assert.equal(err.ctor, 'RendererUnavailableError');
  assert.equal(err.name, 'RendererUnavailableError');
  assert.match(err.message, /^no WebGPU adapter: install a Vulkan driver/);
  assert.match(err.message, /Mesa lavapipe >= 24/);
  assert.match(err.message, /apt-get install -t bookworm-backports mesa-vulkan-drivers/);
  assert.match(err.message, /NVIDIA driver/);
});
