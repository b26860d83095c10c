// Textures end to end (issue 12): a YCB scan imported from the shared fixtures, rendered alone under neutral light
// (sky and ground fill only, both grey, no sun), shows its texture: the mean colour of its id-mask pixels has the
// chromaticity of the texture sampled at the uvs of its visible surface. Chromaticity (r, g, b over their sum, in
// linear light) is what grey light cannot change: the shading scales every channel of a pixel alike, so it is the
// texture's alone. Tolerance 0.01: what remains is the specular sheen (roughness 1 leaves a little), mip filtering and
// 8-bit quantisation (measured together: 0.001); the same object rendered without its texture is 0.056 off.
// Texturing leaves the id mask and the tight box exactly as they were.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { importModel } from '../assets/import/import-model.js';
import { instanceAppearance } from '../assets/instance.js';
import { loadLibrary } from '../assets/library.js';
import { cameraModel, type CameraSpec, projectWithDepth } from '../core/camera.js';
import type { Vec3 } from '../core/math.js';
import type { Scene, SceneObject } from '../core/scene.js';
import { idRegions } from '../generators/annotation/boxes.js';
import { Renderer, shutdownRendering, type FrameBuffers } from '../generators/rendering/index.js';
import { fixture } from './helpers/fixtures.js';
import { DataTexture, DataUtils, HalfFloatType, RGBAFormat } from 'three';
import { EXRExporter } from 'three/examples/jsm/exporters/EXRExporter.js';
import { decodeEnvironment } from '../generators/rendering/environment.js';
import { environmentFile } from '../assets/environments.js';

const SCAN = fixture('objects', 'ycb-scans', 'tomato_soup_can.urdf');
const have = existsSync(SCAN) || 'the shared YCB scans are not next to this checkout';
let work: string;
let renderer: Renderer;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'asg-textures-'));
  renderer = await Renderer.create();
});
after(() => {
  renderer.dispose();
  shutdownRendering();
  rmSync(work, { recursive: true, force: true });
});

const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const chroma = (s: Vec3): Vec3 => s.map((x) => x / (s[0] + s[1] + s[2])) as Vec3;

async function render(obj: SceneObject, cam: CameraSpec): Promise<FrameBuffers> {
  const scene: Scene = {
    seed: 0, tableTopZ: 0, objects: [obj], cameras: [cam],
    lighting: { sunDirection: [0, 0, -1], sunIntensity: 0, ambientIntensity: 1.5, background: [0, 0, 0] },
  };
  await renderer.loadTextures(scene);
  renderer.setScene(scene);
  const f = await renderer.render(cam);
  // the frame's arrays are recycled by later renders: keep copies
  return { ...f, rgba: f.rgba.slice(), depth: f.depth.slice(), ids: f.ids.slice() };
}

test('an imported scan renders with its texture: the colour of its pixels is the texture at its visible uvs', { skip: have === true ? false : have }, async () => {
  const r = await importModel(SCAN, { libraryRoot: join(work, 'lib'), category: 'can', maxTextureSize: 512 });
  assert.ok(r.ok, r.ok ? '' : r.problem.detail);
  if (!r.ok) return;
  const { updateIndex } = await import('../assets/catalog.js');
  updateIndex(join(work, 'lib'), [r.entry]);
  const lib = loadLibrary({ root: join(work, 'lib') });
  const inst = lib.instantiate(r.entry.id);
  const look = instanceAppearance(inst);
  assert.ok(look.material.texture && 'file' in look.material.texture, 'an image texture');
  assert.equal(look.shape.kind, 'mesh');
  if (look.shape.kind !== 'mesh' || !look.material.texture || !('file' in look.material.texture)) return;
  const shape = look.shape;

  // alone, upright at the origin; matte, so the sheen stays small
  const obj: SceneObject = {
    id: 7, name: 'soup can', category: 'can', synonyms: [], assetId: inst.assetRef, shape,
    material: { ...look.material, roughness: 1, metalness: 0 }, body: 'fixed', mass: 0.3, friction: 0.5, restitution: 0,
    pose: { position: [0, 0, inst.size[2] / 2], quaternion: [0, 0, 0, 1] }, annotated: true,
  };
  const cam: CameraSpec = { name: 'c', width: 256, height: 256, fovYDeg: 40, position: [0.22, -0.18, 0.16], target: [0, 0, inst.size[2] / 2], near: 0.02, far: 5 };
  const textured = await render(obj, cam);
  const plain = await render({ ...obj, material: { ...obj.material, texture: undefined } }, cam);

  // texturing changes no id and no box
  assert.deepEqual(textured.ids, plain.ids, 'the id mask is the same with and without the texture');
  const box = (f: FrameBuffers) => idRegions(f.ids, f.width, f.height).get(7)!.box;
  assert.deepEqual(box(textured), box(plain));

  // rendered: the mean linear colour of the object's pixels
  const mean = (f: FrameBuffers): Vec3 => {
    const s: Vec3 = [0, 0, 0];
    for (let i = 0; i < f.ids.length; i++) if (f.ids[i] === 7) for (let k = 0; k < 3; k++) s[k] += lin(f.rgba[i * 4 + k] / 255);
    return s;
  };
  // expected: the texture at the uv of every visible triangle's centre, weighted by its area on screen
  const { data: tex, info } = await sharp(look.material.texture.file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const model = cameraModel(cam);
  const P = shape.positions, U = shape.uvs!, I = shape.indices;
  const at = (i: number): Vec3 => [P[i * 3], P[i * 3 + 1], P[i * 3 + 2] + inst.size[2] / 2];
  const expected: Vec3 = [0, 0, 0];
  let visibleTriangles = 0;
  for (let t = 0; t < I.length; t += 3) {
    const a = projectWithDepth(model, at(I[t])), b = projectWithDepth(model, at(I[t + 1])), c = projectWithDepth(model, at(I[t + 2]));
    const area = ((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) / 2;
    const cx = (a[0] + b[0] + c[0]) / 3, cy = (a[1] + b[1] + c[1]) / 3, cz = (a[2] + b[2] + c[2]) / 3;
    const px = Math.floor(cx), py = Math.floor(cy);
    if (px < 0 || py < 0 || px >= cam.width || py >= cam.height) continue;
    const pix = py * cam.width + px;
    // seen: the pixel under its centre shows the object at the triangle's own depth (not a surface in front of it)
    if (textured.ids[pix] !== 7 || Math.abs(textured.depth[pix] - cz) > 0.004 || Math.abs(area) < 1e-3) continue;
    visibleTriangles++;
    const u = (U[I[t] * 2] + U[I[t + 1] * 2] + U[I[t + 2] * 2]) / 3, v = (U[I[t] * 2 + 1] + U[I[t + 1] * 2 + 1] + U[I[t + 2] * 2 + 1]) / 3;
    const tx = Math.min(info.width - 1, Math.floor((u - Math.floor(u)) * info.width)), ty = Math.min(info.height - 1, Math.floor((v - Math.floor(v)) * info.height));
    const o = (ty * info.width + tx) * 3;
    for (let k = 0; k < 3; k++) expected[k] += Math.abs(area) * lin(tex[o + k] / 255);
  }
  assert.ok(visibleTriangles > 300, `${visibleTriangles} visible triangles`);
  const got = chroma(mean(textured)), want = chroma(expected), grey = chroma(mean(plain));
  const off = (x: Vec3, y: Vec3) => Math.max(...x.map((v, k) => Math.abs(v - y[k])));
  assert.ok(off(got, want) < 0.01, `textured chromaticity ${got.map((x) => x.toFixed(3))} vs texture ${want.map((x) => x.toFixed(3))}`);
  assert.ok(off(grey, want) > 0.03, `without its texture it would be ${grey.map((x) => x.toFixed(3))}: the check can tell`);
});

test('every textured object shows its own image, in one scene and in the next (materials share a program, not an image)', async () => {
  const { writeFileSync } = await import('node:fs');
  const files = { red: join(work, 'red.png'), blue: join(work, 'blue.png'), green: join(work, 'green.png') };
  writeFileSync(files.red, await png([220, 30, 30]));
  writeFileSync(files.blue, await png([30, 40, 220]));
  writeFileSync(files.green, await png([30, 200, 40]));
  const box = (id: number, x: number, file: string): SceneObject => ({
    id, name: `box ${id}`, category: 'box', synonyms: [], assetId: `test/box${id}`, shape: { kind: 'box', size: [0.08, 0.08, 0.08] },
    material: { colorName: 'white', rgb: [1, 1, 1], roughness: 1, metalness: 0, texture: { file } }, body: 'fixed', mass: 0.1, friction: 0.5,
    restitution: 0, pose: { position: [x, 0, 0.04], quaternion: [0, 0, 0, 1] }, annotated: true,
  });
  const cam: CameraSpec = { name: 'c', width: 128, height: 128, fovYDeg: 40, position: [0, -0.5, 0.3], target: [0, 0, 0.04], near: 0.02, far: 5 };
  const dominant = (f: FrameBuffers, id: number) => {
    const s = [0, 0, 0];
    for (let i = 0; i < f.ids.length; i++) if (f.ids[i] === id) for (let k = 0; k < 3; k++) s[k] += f.rgba[i * 4 + k];
    return ['red', 'green', 'blue'][s.indexOf(Math.max(...s))];
  };
  const shot = async (objects: SceneObject[]) => {
    const scene: Scene = { seed: 0, tableTopZ: 0, objects, cameras: [cam], lighting: { sunDirection: [0, 0.3, -1], sunIntensity: 1, ambientIntensity: 1.5, background: [0, 0, 0] } };
    await renderer.loadTextures(scene);
    renderer.setScene(scene);
    const f = await renderer.render(cam);
    return { ...f, rgba: f.rgba.slice(), ids: f.ids.slice() };
  };
  const a = await shot([box(3, -0.1, files.red), box(4, 0.1, files.blue)]);
  assert.deepEqual([dominant(a, 3), dominant(a, 4)], ['red', 'blue']);
  const b = await shot([box(3, -0.1, files.green)]);
  assert.equal(dominant(b, 3), 'green');
});

test("a table top's pattern stands out in relief: normals read from it make its grain catch a grazing light", async () => {
  const { TABLE_SURFACES } = await import('../assets/environments.js');
  const oak = TABLE_SURFACES.find((t) => t.name === 'light oak')!;
  const cam: CameraSpec = { name: 'c', width: 192, height: 192, fovYDeg: 30, position: [0, -0.25, 0.35], target: [0, 0, 0], near: 0.02, far: 5 };
  const shot = async (relief?: number) => {
    const top: SceneObject = {
      id: 1, name: 'table', category: 'table', synonyms: [], assetId: 'primitive/table', shape: { kind: 'box', size: [1.2, 0.8, 0.05] },
      material: { colorName: oak.name, rgb: oak.rgb, roughness: 0.5, metalness: 0, texture: { pattern: oak.pattern, seed: 3, rgb: oak.rgb, size: 512, tiles: [4, 4] }, ...(relief ? { maps: { relief } } : {}) },
      body: 'fixed', mass: 0, friction: 0.5, restitution: 0, pose: { position: [0, 0, -0.025], quaternion: [0, 0, 0, 1] }, annotated: false,
    };
    const scene: Scene = { seed: 0, tableTopZ: 0, objects: [top], cameras: [cam], lighting: { sunDirection: [-0.9, 0.2, -0.25], sunIntensity: 3, ambientIntensity: 0.3, background: [0.5, 0.5, 0.5] } };
    renderer.setScene(scene);
    const f = await renderer.render(cam);
    // local contrast: mean difference of horizontally adjacent table pixels (green channel)
    let d = 0, n = 0;
    for (let i = 0; i + 1 < f.ids.length; i++) {
      if (f.ids[i] !== 1 || f.ids[i + 1] !== 1 || (i + 1) % cam.width === 0) continue;
      d += Math.abs(f.rgba[i * 4 + 1] - f.rgba[i * 4 + 5]);
      n++;
    }
    return { contrast: d / n, ids: f.ids.slice(), depth: f.depth.slice() };
  };
  const flat = await shot(), relief = await shot(oak.relief);
  assert.ok(relief.contrast > 1.5 * flat.contrast, `grain contrast ${flat.contrast.toFixed(2)} flat, ${relief.contrast.toFixed(2)} in relief`);
  assert.deepEqual(relief.ids, flat.ids, 'relief is shading: ids unchanged');
  assert.deepEqual(relief.depth, flat.depth, 'relief is shading: depth unchanged');
});

test("a textured mesh's accent parts (a jar's lid) show their own colour, drawn in the same draw as the texture", async () => {
  const lib = loadLibrary();
  const inst = lib.instantiate('jar-00', { colorName: 'red' });
  const look = instanceAppearance(inst);
  assert.equal(look.shape.kind, 'mesh');
  if (look.shape.kind !== 'mesh' || look.shape.texturedTriangles === undefined) return assert.fail('the jar has a textured body and an accent lid');
  const shape = look.shape;
  const texturedTriangles = look.shape.texturedTriangles;
  const obj: SceneObject = {
    id: 9, name: 'jar', category: 'jar', synonyms: [], assetId: inst.assetRef, shape, material: { ...look.material, roughness: 1 },
    body: 'fixed', mass: 0.5, friction: 0.5, restitution: 0, pose: { position: [0, 0, inst.size[2] / 2], quaternion: [0, 0, 0, 1] }, annotated: true,
  };
  // from above and aside: lid and label both in view, near enough that every triangle is drawn (lod.ts level 0)
  const cam: CameraSpec = { name: 'c', width: 256, height: 256, fovYDeg: 40, position: [0.2, -0.14, 0.3], target: [0, 0, inst.size[2] / 2], near: 0.02, far: 5 };
  const textured = await render(obj, cam);
  const plain = await render({ ...obj, material: { ...obj.material, texture: undefined } }, cam);
  const model = cameraModel(cam);
  const P = shape.positions, I = shape.indices;
  const at = (i: number): Vec3 => [P[i * 3], P[i * 3 + 1], P[i * 3 + 2] + inst.size[2] / 2];
  // at the centre of every visible triangle: the lid's pixels are the untextured render's, the body's are not
  let lid = 0, lidSame = 0, body = 0, bodyDiff = 0;
  for (let t = 0; t < I.length; t += 3) {
    const a = projectWithDepth(model, at(I[t])), b = projectWithDepth(model, at(I[t + 1])), c = projectWithDepth(model, at(I[t + 2]));
    const area = Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) / 2;
    const px = Math.floor((a[0] + b[0] + c[0]) / 3), py = Math.floor((a[1] + b[1] + c[1]) / 3), z = (a[2] + b[2] + c[2]) / 3;
    if (area < 4 || px < 0 || py < 0 || px >= 256 || py >= 256) continue;
    const pix = py * 256 + px;
    if (textured.ids[pix] !== 9 || Math.abs(textured.depth[pix] - z) > 0.002) continue;
    const diff = Math.max(...[0, 1, 2].map((k) => Math.abs(textured.rgba[pix * 4 + k] - plain.rgba[pix * 4 + k])));
    if (t / 3 >= texturedTriangles) {
      lid++;
      if (diff <= 3) lidSame++;
    } else {
      body++;
      if (diff > 3) bodyDiff++;
    }
  }
  assert.ok(lid >= 20 && body >= 20, `${lid} lid and ${body} body triangles seen`);
  assert.ok(lidSame >= 0.95 * lid, `${lidSame} of ${lid} lid pixels show the lid's own colour`);
  assert.ok(bodyDiff >= 0.5 * body, `${bodyDiff} of ${body} body pixels show the label`);
});

/** A 64² PNG of one colour (0–255). */
const png = async (rgb: Vec3) => new Uint8Array(await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer());

/**
 * A 10 × 3 × 10 cm slab as a glTF (y up), its top face's uvs spanning the images: u along +x, v along +z (so the
 * image's up, glTF's +y of a normal map, points to −z, which is world +y once the importer turns y up into z up).
 */
async function writeSlab(path: string, images: { metallicRoughness: Uint8Array; normal?: Uint8Array }): Promise<void> {
  const { Document, NodeIO } = await import('@gltf-transform/core');
  const pos: number[] = [], nor: number[] = [], uv: number[] = [], idx: number[] = [];
  const h: Vec3 = [0.05, 0.015, 0.05];
  for (let axis = 0; axis < 3; axis++) {
    for (const sign of [1, -1]) {
      const n: Vec3 = [0, 0, 0];
      n[axis] = sign;
      const [a, b] = [(axis + 1) % 3, (axis + 2) % 3];
      const base = pos.length / 3;
      for (const [sa, sb] of [[-1, -1], [1, -1], [1, 1], [-1, 1]]) {
        const p: Vec3 = [0, 0, 0];
        p[axis] = sign * h[axis];
        p[a] = sa * h[a];
        p[b] = sb * h[b];
        pos.push(...p);
        nor.push(...n);
        uv.push((p[0] + h[0]) / (2 * h[0]), (p[2] + h[2]) / (2 * h[2]));
      }
      // counter-clockwise seen from outside
      const ccw = (b - a + 3) % 3 === 1 ? sign > 0 : sign < 0;
      idx.push(...(ccw ? [base, base + 1, base + 2, base, base + 2, base + 3] : [base, base + 2, base + 1, base, base + 3, base + 2]));
    }
  }
  const doc = new Document();
  const buf = doc.createBuffer();
  const mat = doc.createMaterial('m').setBaseColorFactor([1, 1, 1, 1]).setRoughnessFactor(1).setMetallicFactor(1)
    .setBaseColorTexture(doc.createTexture('c').setImage(await png([150, 150, 150])).setMimeType('image/png'))
    .setMetallicRoughnessTexture(doc.createTexture('mr').setImage(images.metallicRoughness).setMimeType('image/png'));
  if (images.normal) mat.setNormalTexture(doc.createTexture('n').setImage(images.normal).setMimeType('image/png')).setNormalScale(1);
  const prim = doc.createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(new Float32Array(pos)).setBuffer(buf))
    .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(new Float32Array(nor)).setBuffer(buf))
    .setAttribute('TEXCOORD_0', doc.createAccessor().setType('VEC2').setArray(new Float32Array(uv)).setBuffer(buf))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(new Uint32Array(idx)).setBuffer(buf))
    .setMaterial(mat);
  doc.createScene().addChild(doc.createNode('slab').setMesh(doc.createMesh('slab').addPrimitive(prim)));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path, await new NodeIO().writeBinary(doc));
}

test("a glTF's metallic-roughness and normal maps are imported and light the surface as glTF says", async () => {
  // roughness 0.5 (G) everywhere; metalness (B) 0 or 1; the normal map tilts every normal 30° towards the image's up
  const tilted: Vec3 = [128, Math.round((0.5 + 1) / 2 * 255), Math.round((Math.cos(Math.PI / 6) + 1) / 2 * 255)];
  const dir = join(work, 'gltf-maps');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const models = { dielectric: join(dir, 'slab_a.glb'), metal: join(dir, 'slab_b.glb'), bumped: join(dir, 'slab_c.glb') };
  await writeSlab(models.dielectric, { metallicRoughness: await png([0, 128, 0]) });
  await writeSlab(models.metal, { metallicRoughness: await png([0, 128, 255]) });
  await writeSlab(models.bumped, { metallicRoughness: await png([0, 128, 0]), normal: await png(tilted) });
  for (const f of Object.values(models)) writeFileSync(f.replace(/\.glb$/, '.json'), JSON.stringify({ category: 'book', size: 0.1 }));
  const lib = join(work, 'lib-maps');
  const entries = [];
  for (const f of Object.values(models)) {
    // 32² fits: the 64² maps are downscaled, and stay PNG (JPEG blocks in a normal map are bumps)
    const r = await importModel(f, { libraryRoot: lib, maxTextureSize: 32 });
    assert.ok(r.ok, r.ok ? '' : r.problem.detail);
    if (!r.ok) return;
    entries.push(r.entry);
  }
  const [dielectric, metal, bumped] = entries;
  assert.match(dielectric.material.metallicRoughnessTexture ?? '', /metallic_roughness\.png$/);
  assert.equal(dielectric.material.normalTexture, undefined);
  assert.match(bumped.material.normalTexture ?? '', /normal\.png$/);
  assert.equal(bumped.material.normalScale, 1);
  assert.deepEqual(dielectric.material.metalness, [1, 1], "the file's metallic factor, which the image multiplies");
  assert.notEqual(dielectric.hash, metal.hash, 'the maps are content');
  for (const e of entries) for (const t of e.source.kind === 'imported' ? e.source.textures : []) assert.ok(existsSync(join(lib, t)), t);
  const meta = await sharp(join(lib, bumped.material.normalTexture!)).metadata();
  assert.equal(meta.width, 32);
  const { updateIndex } = await import('../assets/catalog.js');
  updateIndex(lib, entries);
  const library = loadLibrary({ root: lib });

  // alone on a black table-less stage, lit by a sun from +y at 45° (light travels −y, −z), seen from straight above
  const shot = async (id: string, withNormalMap = true) => {
    const inst = library.instantiate(id);
    const look = instanceAppearance(inst);
    const material = withNormalMap ? look.material : { ...look.material, maps: { ...look.material.maps, normal: undefined } };
    const obj: SceneObject = {
      id: 5, name: 'slab', category: 'book', synonyms: [], assetId: inst.assetRef, shape: look.shape, material,
      body: 'fixed', mass: 0.1, friction: 0.5, restitution: 0, pose: { position: [0, 0, inst.size[2] / 2], quaternion: [0, 0, 0, 1] }, annotated: true,
    };
    const cam: CameraSpec = { name: 'top', width: 128, height: 128, fovYDeg: 30, position: [0, 0, 0.4], target: [0, 0, 0], up: [0, 1, 0], near: 0.05, far: 2 };
    const scene: Scene = {
      seed: 0, tableTopZ: 0, objects: [obj], cameras: [cam],
      lighting: { sunDirection: [0, -1, -1], sunIntensity: 2, ambientIntensity: 0.2, background: [0, 0, 0] },
    };
    await renderer.loadTextures(scene);
    renderer.setScene(scene);
    const f = await renderer.render(cam);
    // the top face's middle: the slab covers the middle of the image, its sides are outside this window
    let sum = 0, n = 0;
    for (let y = 54; y < 74; y++) {
      for (let x = 54; x < 74; x++) {
        const i = y * 128 + x;
        assert.equal(f.ids[i], 5, 'the window sees the slab');
        sum += lin(f.rgba[i * 4] / 255) + lin(f.rgba[i * 4 + 1] / 255) + lin(f.rgba[i * 4 + 2] / 255);
        n++;
      }
    }
    return sum / n;
  };
  const plain = await shot(dielectric.id), shiny = await shot(metal.id);
  const bump = await shot(bumped.id), flat = await shot(bumped.id, false);
  // a metal has no diffuse light: the B channel made it so (the factors are the same for both)
  assert.ok(shiny < 0.5 * plain, `metal ${shiny.toFixed(4)} vs dielectric ${plain.toFixed(4)}`);
  // a flat top takes cos 45° of the sun; normals tilted 30° towards it cos 15° (×1.37 in direct light); tilted away
  // (a flipped y) cos 75° (×0.37)
  assert.ok(bump > 1.15 * flat, `normal-mapped ${bump.toFixed(4)} vs flat ${flat.toFixed(4)}`);
  assert.ok(Math.abs(flat - plain) < 0.05 * plain, `without its normal map the slab is the dielectric one: ${flat.toFixed(4)} vs ${plain.toFixed(4)}`);
});

test('an environment map reads the same from OpenEXR as from Radiance HDR (no DOM: the loaders parse file bytes)', async () => {
  const hdr = decodeEnvironment(readFileSync(environmentFile('lab')), 'hdr');
  const { width: w, height: h } = hdr.image;
  assert.deepEqual([w, h], [1024, 512]);
  // the same pixels written as an EXR (half floats, ZIP), as a user's own map would come. three's exporter takes a
  // texture's rows as GPU memory holds them, bottom row first (a render target's): the HDR's rows are top first
  // (it says flipY), so they go in reversed
  const rowsOf = (d: Uint16Array) => Array.from({ length: h }, (_, y) => d.subarray(y * w * 4, (y + 1) * w * 4));
  const bottomFirst = new DataTexture(Uint16Array.from(rowsOf(hdr.image.data as Uint16Array).reverse().flatMap((r) => [...r])), w, h, RGBAFormat, HalfFloatType);
  const exr = decodeEnvironment(await new EXRExporter().parse(bottomFirst), 'exr');
  assert.deepEqual([exr.image.width, exr.image.height], [w, h]);
  // both in the order they are drawn, top row first (a loader either stores rows so or says flipY)
  const topFirst = (t: typeof hdr) => (t.flipY ? rowsOf(t.image.data as Uint16Array) : rowsOf(t.image.data as Uint16Array).reverse());
  const a = topFirst(hdr), b = topFirst(exr);
  let worst = 0, sum = 0;
  for (let y = 0; y < h; y += 7) {
    for (let i = 0; i < w * 4; i += 4 * 5) {
      for (let k = 0; k < 3; k++) {
        const x = DataUtils.fromHalfFloat(a[y][i + k]), z = DataUtils.fromHalfFloat(b[y][i + k]);
        worst = Math.max(worst, Math.abs(x - z) / Math.max(1e-3, x));
        sum += x;
      }
    }
  }
  assert.ok(sum > 0 && worst < 1e-3, `largest relative difference ${worst}`);
});
