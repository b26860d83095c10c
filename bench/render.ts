// Renderer throughput: one-pass MRT (sRGB colour + camera-frame depth + instance ids) read back to Node and
// pipelined, against three/webgpu rendering the same scene colour-only with three's own readback, and against a
// plain loop of three separate passes; plus sharp JPEG q90 encode time. Table + 20 primitives, 2 cameras, one
// object moving every step (so the shadow map is redrawn every step, as in an episode). And the same 20-object
// layout with textured objects (YCB scans and procedurally textured library assets in their places), measured in the
// same rounds: what textures cost per frame.
//   node --import tsx bench/render.ts [SECONDS_PER_MEASUREMENT]     (SPATIALGEN_BENCH_SECTION names the BENCHMARKS.md section)
// The variants are measured interleaved, several rounds, medians reported: on a shared machine the absolute
// figures move with everyone else's load, the ratios much less. CPU ms per frame counts every thread of the
// process (JS, Dawn, lavapipe's queue and raster threads): the cost of a frame whatever the contention.
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import sharp from 'sharp';
import { FloatType, MeshBasicNodeMaterial, NoBlending, RedFormat, RenderTarget, SRGBColorSpace } from 'three/webgpu';
import { positionView, userData, vec4 } from 'three/tsl';
import type { CameraSpec } from '../core/camera.js';
import { Renderer, shutdownRendering } from '../generators/rendering/index.js';
import { acquireGpu } from '../generators/rendering/device.js';
import { GeometryCache } from '../generators/rendering/geometry.js';
import { MaterialCache } from '../generators/rendering/materials.js';
import { TextureCache } from '../generators/rendering/textures.js';
import { EnvironmentCache } from '../generators/rendering/environment.js';
import { INSTANCE_ID_KEY, SceneSync } from '../generators/rendering/sceneSync.js';
import { CameraRig } from '../generators/rendering/threeCamera.js';
import { CAMERAS, TABLE_TOP_Z, tableScene } from '../tests/helpers/renderScenes.js';
import type { Scene, SceneObject } from '../core/scene.js';
import { loadLibrary } from '../assets/library.js';
import { instanceAppearance } from '../assets/instance.js';
import { writeBenchSection } from './report.js';
import { cameraModel } from '../core/camera.js';
import { levelFor, meshLevels } from '../generators/scene/lod.js';

const SECONDS = Number(process.argv[2] ?? 2);
const ROUNDS = 5;
/** frames in flight for the pipelined variants (two time steps of two cameras) */
const IN_FLIGHT = 4;
const SIZES: [number, number][] = [[256, 256], [640, 480]];

const scene = tableScene(20, 42);

/** The same layout with a textured library asset standing where each primitive stood: scans and procedural ones. */
function texturedScene(flat: Scene): Scene {
  const lib = loadLibrary();
  const scans = lib.assets({ source: 'imported' }).filter((e) => e.material.texture && Math.max(...e.size) < 0.16);
  const patterned = lib.assets({ source: 'procedural' }).filter((e) => e.material.texture && Math.max(...e.size) < 0.16);
  const objects = flat.objects.map((o, i): SceneObject => {
    if (i === 0) return o;
    const pool = i % 2 === 0 ? scans : patterned;
    const inst = lib.instantiate(pool[(i * 7) % pool.length]);
    return { ...o, ...instanceAppearance(inst), pose: { position: [o.pose.position[0], o.pose.position[1], TABLE_TOP_Z + inst.size[2] / 2], quaternion: o.pose.quaternion } };
  });
  return { ...flat, objects };
}
const textured = texturedScene(scene);
/** Triangles of the textured scene's meshes, and how many are drawn per camera at a size (lod.ts levels of detail). */
function trianglesDrawn(w: number, h: number): string {
  let full = 0, drawn = 0;
  for (const cam of CAMERAS) {
    for (const o of textured.objects) {
      if (o.shape.kind !== 'mesh') continue;
      const levels = meshLevels(o.shape);
      full += levels[0].indices.length / 3;
      drawn += levels[levelFor(o.shape, o.pose.position, cameraModel({ ...cam, width: w, height: h }))].indices.length / 3;
    }
  }
  return `${w}×${h}: ${Math.round(drawn / CAMERAS.length)} of ${Math.round(full / CAMERAS.length)}`;
}
/** The textured scene's meshes without their textures: what the meshes cost, so what the textures cost is the rest. */
const bare: Scene = { ...textured, objects: textured.objects.map((o) => ({ ...o, material: { ...o.material, texture: undefined } })) };
/**
 * The flat scene in a room: an environment map lights it; in the full environment the map also stands behind the
 * table and the table top is a 512² plank surface (as builds draw it), the 20 objects as they were.
 */
const withEnvironment = (full: boolean): Scene => ({
  ...scene,
  objects: full ? scene.objects.map((o, i) => (i === 0 ? { ...o, material: { ...o.material, roughness: 0.6, texture: { pattern: 'planks', seed: 7, rgb: [0.76, 0.6, 0.42], size: 512, tiles: [4, 4] }, maps: { relief: 1.5 } } } : o)) : scene.objects,
  lighting: { ...scene.lighting, environment: { map: 'lab', rotation: 0.7, intensity: 0.5, background: full }, exposure: 1 },
});
const envLight = withEnvironment(false);
const envFull = withEnvironment(true);
const ENV_LIGHT = 'one pass, MRT, pipelined, frames recycled, environment light';
const ENV_FULL = 'one pass, MRT, pipelined, frames recycled, full environment (light, background, textured table)';
const TEXTURED = 'one pass, MRT, pipelined, frames recycled, textured scene';
const BARE = 'one pass, MRT, pipelined, frames recycled, textured scene without textures';

const x0 = scene.objects[5].pose.position[0];
let step = 0;
/** what physics does between time steps: something moves, so shadows are redrawn */
function advance(): void {
  step++;
  for (const s of [scene, textured, bare, envLight, envFull]) s.objects[5].pose.position[0] = x0 + 0.03 * Math.sin(step * 0.05);
}

const renderer = await Renderer.create();
await renderer.loadTextures(textured);
await renderer.loadTextures(envFull);
renderer.setScene(scene);

// The baselines draw the very same three.js scene (same meshes, materials, lights, shadows) on the same device.
const gpu = await acquireGpu();
const three = gpu.three;
const sync = new SceneSync(new GeometryCache(), new MaterialCache(), new TextureCache(), new EnvironmentCache(three), { shadowMapSize: 512 });
sync.setScene(scene);
const rig = new CameraRig();
const colorTargets = new Map<string, RenderTarget>();
const floatTargets = new Map<string, RenderTarget>();
function target(map: Map<string, RenderTarget>, w: number, h: number, float32: boolean): RenderTarget {
  const key = `${w}x${h}`;
  let rt = map.get(key);
  if (!rt) {
    rt = new RenderTarget(w, h, { depthBuffer: true });
    if (float32) {
      rt.texture.type = FloatType;
      rt.texture.format = RedFormat;
    } else rt.texture.colorSpace = SRGBColorSpace;
    map.set(key, rt);
  }
  return rt;
}
// the separate-pass way: the scene again with an override material per extra output
// (single-channel float targets: no blending, which would read an alpha they do not have)
const depthMaterial = new MeshBasicNodeMaterial({ blending: NoBlending });
depthMaterial.colorNode = vec4(positionView.z.negate(), 0, 0, 1);
const idMaterial = new MeshBasicNodeMaterial({ blending: NoBlending });
idMaterial.colorNode = vec4(userData(INSTANCE_ID_KEY, 'float') as unknown as number, 0, 0, 1);

function drawColor(cam: CameraSpec, rt: RenderTarget): void {
  gpu.tick();
  sync.syncPoses();
  three.setRenderTarget(rt);
  three.render(sync.three, rig.forSpec(cam));
}
function drawOverride(cam: CameraSpec, rt: RenderTarget, material: MeshBasicNodeMaterial): void {
  sync.three.overrideMaterial = material;
  drawColor(cam, rt);
  sync.three.overrideMaterial = null;
}

type Variant = (cams: CameraSpec[]) => Promise<void>;

/** one time step = every camera; pipelined variants keep IN_FLIGHT frames outstanding */
const onePass = (recycle: boolean): Variant => async (cams) => {
  const q: Promise<unknown>[] = [];
  const t = performance.now();
  while (performance.now() - t < SECONDS * 1000) {
    advance();
    for (const c of cams) q.push(recycle ? renderer.render(c).then((f) => renderer.recycle(f)) : renderer.render(c));
    while (q.length > IN_FLIGHT - cams.length) await q.shift();
    counted += cams.length;
  }
  await Promise.all(q);
};

const colorOnly: Variant = async (cams) => {
  const q: Promise<unknown>[] = [];
  const t = performance.now();
  while (performance.now() - t < SECONDS * 1000) {
    advance();
    for (const c of cams) {
      const rt = target(colorTargets, c.width, c.height, false);
      drawColor(c, rt);
      q.push(three.readRenderTargetPixelsAsync(rt, 0, 0, c.width, c.height));
    }
    while (q.length > IN_FLIGHT - cams.length) await q.shift();
    counted += cams.length;
  }
  three.setRenderTarget(null);
  await Promise.all(q);
};

const threePasses: Variant = async (cams) => {
  const t = performance.now();
  while (performance.now() - t < SECONDS * 1000) {
    advance();
    for (const c of cams) {
      const rgb = target(colorTargets, c.width, c.height, false);
      const f = target(floatTargets, c.width, c.height, true);
      drawColor(c, rgb);
      await three.readRenderTargetPixelsAsync(rgb, 0, 0, c.width, c.height);
      drawOverride(c, f, depthMaterial);
      await three.readRenderTargetPixelsAsync(f, 0, 0, c.width, c.height);
      drawOverride(c, f, idMaterial);
      await three.readRenderTargetPixelsAsync(f, 0, 0, c.width, c.height);
    }
    counted += cams.length;
  }
  three.setRenderTarget(null);
};

/** CPU ms so far per thread kind: the JS thread, lavapipe's raster threads, everything else (mostly lavapipe's
 * queue thread: vertex work, binning, copies; and V8's GC helpers). Linux /proc; empty elsewhere. */
function threadCpu(): Record<string, number> {
  const out: Record<string, number> = { js: 0, raster: 0, other: 0 };
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const kind = tid === String(process.pid) ? 'js' : name.startsWith('llvmpipe') ? 'raster' : 'other';
      out[kind] += (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms
    }
  } catch {
    /* not Linux */
  }
  return out;
}

let counted = 0;
interface Figure {
  fps: number;
  cpuMs: number;
  threads: Record<string, number>;
}
async function measure(v: Variant, cams: CameraSpec[], on: Scene = scene): Promise<Figure> {
  // a scene switch is not part of a frame: made before the clock starts, undone after it stops
  if (on !== scene) renderer.setScene(on);
  counted = 0;
  const c0 = process.cpuUsage();
  const t0c = threadCpu();
  const t0 = performance.now();
  await v(cams);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const t1c = threadCpu();
  const threads = Object.fromEntries(Object.keys(t1c).map((k) => [k, (t1c[k] - t0c[k]) / counted]));
  if (on !== scene) renderer.setScene(scene);
  return { fps: (1000 * counted) / wall, cpuMs: (cpu.user + cpu.system) / 1000 / counted, threads };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const variants: [string, Variant, Scene?][] = [
  ['one pass, MRT, pipelined', onePass(false)],
  ['one pass, MRT, pipelined, frames recycled', onePass(true)],
  ['colour only (three readRenderTargetPixelsAsync), pipelined', colorOnly],
  ['three separate passes, plain loop', threePasses],
  [BARE, onePass(true), bare],
  [TEXTURED, onePass(true), textured],
  [ENV_LIGHT, onePass(true), envLight],
  [ENV_FULL, onePass(true), envFull],
];
const load0 = loadavg()[0];
const results = new Map<string, Figure[]>();
for (const [w, h] of SIZES) {
  const cams = CAMERAS.map((c) => ({ ...c, width: w, height: h }));
  for (const [, v, on] of variants) await measure(v, cams, on); // warm-up: pipelines, targets, JIT
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, v, on] of variants) {
      const key = `${w}x${h} ${name}`;
      const list = results.get(key) ?? [];
      list.push(await measure(v, cams, on));
      results.set(key, list);
      process.stdout.write(`${key}: ${list[list.length - 1].fps.toFixed(1)} fps\n`);
    }
  }
}
const load1 = loadavg()[0];

// JPEG q90 of real frames, one at a time
const jpegMs = new Map<string, number>();
for (const [w, h] of SIZES) {
  const frame = await renderer.render({ ...CAMERAS[0], width: w, height: h });
  const n = w * h > 100_000 ? 60 : 150;
  for (let i = 0; i < 10; i++) await sharp(frame.rgba, { raw: { width: w, height: h, channels: 4 } }).removeAlpha().jpeg({ quality: 90 }).toBuffer();
  const t = performance.now();
  for (let i = 0; i < n; i++) await sharp(frame.rgba, { raw: { width: w, height: h, channels: 4 } }).removeAlpha().jpeg({ quality: 90 }).toBuffer();
  jpegMs.set(`${w}x${h}`, (performance.now() - t) / n);
}
const adapter = renderer.adapterName;
renderer.dispose();
sync.dispose();
shutdownRendering();

const model = cpus()[0]?.model ?? '?';
let nproc = String(cpus().length);
try {
  nproc = execSync('nproc', { encoding: 'utf8' }).trim();
} catch {
  /* cpus() it is */
}
const fig = (key: string) => {
  const list = results.get(key) ?? [];
  const threads = Object.fromEntries(['js', 'raster', 'other'].map((k) => [k, median(list.map((f) => f.threads[k] ?? 0))]));
  return { fps: median(list.map((f) => f.fps)), best: Math.max(...list.map((f) => f.fps)), cpuMs: median(list.map((f) => f.cpuMs)), threads };
};
const split = (key: string) => {
  const t = fig(key).threads;
  return `JS thread ${t.js.toFixed(1)}, lavapipe raster threads ${t.raster.toFixed(1)}, other threads ${t.other.toFixed(1)} ms`;
};
const rows: string[] = [];
const texturedCost = SIZES.map(([w, h]) => {
  const flat = fig(`${w}x${h} ${variants[1][0]}`).cpuMs, tex = fig(`${w}x${h} ${TEXTURED}`).cpuMs, meshes = fig(`${w}x${h} ${BARE}`).cpuMs;
  return `${w}×${h}: ${tex.toFixed(2)} CPU ms per frame against ${flat.toFixed(2)} flat, ×${(tex / flat).toFixed(2)}; the same meshes without textures ${meshes.toFixed(2)}, so the textures themselves ×${(tex / meshes).toFixed(2)}`;
});
const environmentCost = SIZES.map(([w, h]) => {
  const flat = fig(`${w}x${h} ${variants[1][0]}`).cpuMs, light = fig(`${w}x${h} ${ENV_LIGHT}`).cpuMs, full = fig(`${w}x${h} ${ENV_FULL}`).cpuMs;
  return `${w}×${h}: ${full.toFixed(2)} CPU ms per frame against ${flat.toFixed(2)} flat, ×${(full / flat).toFixed(2)} (the light alone ${light.toFixed(2)}, ×${(light / flat).toFixed(2)})`;
});
for (const [w, h] of SIZES) {
  const base = fig(`${w}x${h} ${variants[2][0]}`);
  for (const [name] of variants) {
    const f = fig(`${w}x${h} ${name}`);
    rows.push(`| ${w}×${h} | ${name} | ${f.fps.toFixed(1)} | ${f.best.toFixed(1)} | ${(f.fps / base.fps).toFixed(2)} | ${f.cpuMs.toFixed(2)} | ${(base.cpuMs / f.cpuMs).toFixed(2)} | ${(2000 / f.cpuMs).toFixed(0)} |`);
  }
}
const lines = [
  `Machine: \`nproc\` = ${nproc}, ${model}; Vulkan adapter: ${adapter}; Node ${process.version}.`,
  `Command: \`node --import tsx bench/render.ts${process.argv[2] ? ` ${process.argv[2]}` : ''}\`${process.argv[2] ? '' : ' (2 s per measurement)'}. Scene: table + 20 primitives (box, sphere, cylinder, capsule, cone, mesh), PBR, sun with a 512² shadow map (fitted around the casters) redrawn every time step, 2 cameras; ${ROUNDS} interleaved rounds, medians; pipelined variants keep ${IN_FLIGHT} frames in flight.`,
  `Load average (1 min) ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end: the machine was shared with other engineers' builds and tests, so frames/s are what was left over and swing from round to round; CPU ms per frame (all threads of the process) is the steadier figure, its ratio the fairer comparison, and "fps if 2 cores were free" = 2000 / CPU ms an upper estimate (it assumes perfect overlap of the JS thread, lavapipe's queue thread and its two raster threads).`,
  '',
  '| size | variant | frames/s (median) | frames/s (best round) | × colour-only (fps) | CPU ms / frame | × colour-only (CPU) | fps if 2 cores were free |',
  '|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  `Textured scene (the same 20 places: ${textured.objects.slice(1).filter((o) => o.material.texture && 'file' in o.material.texture).length} YCB scans with 512² photo textures, ${textured.objects.slice(1).filter((o) => o.material.texture && 'pattern' in o.material.texture).length} library assets with 256² procedural textures; one pass, MRT, frames recycled; mesh triangles drawn per camera at their level of detail, ${SIZES.map(([w, h]) => trianglesDrawn(w, h)).join(', ')}) against the flat one: ${texturedCost.join('; ')} (budget ×1.3 at 256×256).`,
  '',
  `Environment (the flat scene lit by the \`lab\` map, prefiltered once; the full environment adds the map itself behind the table and a 512² plank table top in relief, as builds draw it; both Neutral tone-mapped) against the flat one: ${environmentCost.join('; ')} (budget ×1.5 at 256×256).`,
  '',
  `JPEG q90 encode with sharp, one frame at a time: ${SIZES.map(([w, h]) => `${w}×${h} ${jpegMs.get(`${w}x${h}`)?.toFixed(2)} ms`).join(', ')}.`,
  '',
  `Where a recycled one-pass frame's CPU goes (medians, per frame): ${SIZES.map(([w, h]) => `${w}×${h}: ${split(`${w}x${h} ${variants[1][0]}`)}`).join('; ')}.`,
  '',
  'What moved these figures, measured while building the renderer (same machine, same load conditions, so ±20 %):',
  '- dawn.node resolves `mapAsync` by re-queuing a native poll with `setImmediate` while anything is pending; with readbacks always in flight that spun the JS thread (3.5–4.5 ms of CPU per 256² frame instead of ~1.8). The renderer gives those native callbacks a 1 ms timer instead (`SPATIALGEN_DAWN_POLL=immediate` restores Dawn\'s behaviour).',
  '- The shadow pass costs in proportion to the map area on lavapipe: 2048² added ~4 ms of raster time per 256² frame, 1024² ~1.2 ms more than 512². The map is 512², refitted around the shadow casters whenever something moved (≈2 mm texels on a tabletop), and the table does not cast (nothing below its top is seen lit). three\'s 5-tap PCF was replaced by one hardware 2×2 comparison.',
  `- Textured scans cost ×2.8–3.1 the flat scene per 256² frame until three things were found (scratch A/B runs, same machine): lavapipe shades every vertex of a mesh on one thread whatever its size on screen (the scans' 26 000 triangles spent 11 ms there against 2.6 for the flat scene; levels of detail within half a pixel, generators/scene/lod.ts, took the scene to ×1.4–1.7); a textured mesh's accent parts were a second material and draw (~2.7 ms; now one material weighs the texture per vertex); and three's shadow pass gave every material with a \`map\` a shadow program of its own that samples the map's alpha (two more pipelines and a texture fetch per shadow texel; the image is now multiplied in at the diffuse colour, materials.ts ImageMaterial): ×1.02–1.2 in scratch runs.`,
  '- The full environment cost ×1.88 the flat scene per 256² frame (×2.65 at 640×480) until six things changed (scratch A/B runs, interleaved in one process): a still camera\'s sky behind the table was shaded in every frame; it is now drawn once per scene and camera and copied in (backdrop.ts; bytes equal to drawing it live, tested), which took the ratio to ×1.62; the diffuse room light was a second lookup into the prefiltered cube per pixel (~1.2 ms), now nine spherical-harmonic coefficients projected once per map (irradiance.ts; against three\'s cube irradiance: mean 0.47/255, p95 2/255 on the same frames); the hemisphere fill, at intensity 0 under a map, was still evaluated per pixel and now leaves the scene; and the table\'s relief took its tangents from per-pixel derivatives, now from the box\'s own (~0.5 ms; max 2/255 apart); and the one cube lookup left (reflections) reads the prefiltered level nearest its roughness instead of blending two (environment.ts; ×1.55 → ×1.39 in an A/B run, reflections within 0.15/255 on average, p99 1/255); at ×1.49–1.53 that left, a still camera draws the table from two images made once per scene (table-bake.ts: its response to a white unshadowed sun, and the room\'s light; each frame multiplies the first by the sun\'s shadowed colour, so moving shadows stay live): two texel loads instead of two filtered samples, a cube lookup and the BRDF per table pixel (×1.10 in an A/B run; within 4/255 of shading live, tested with a moving shadow).',
  '- Fresh typed arrays per frame cost garbage collection: `Renderer.recycle(frame)` (optional, after encoding) saves ~1.6 ms per 256² frame and ~7 ms per 640×480 frame, as the table shows.',
  '- One MRT pass costs about what three\'s colour-only path costs (same rasterisation, one pass; three\'s readback makes a buffer and a map per call, ours copies all three attachments into one pooled buffer with one map); three separate passes cost 2–2.5× as much.',
];
// on a GPU machine (scripts/gpu-check.sh) the figures go to their own section, beside lavapipe's
writeBenchSection(process.env.SPATIALGEN_BENCH_SECTION ?? 'Render', lines.join('\n'));
console.log(lines.join('\n'));
process.exit(0);
