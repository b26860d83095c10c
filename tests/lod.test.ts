// Levels of detail (generators/scene/lod.ts): a mesh seen small is drawn with fewer triangles, and the annotator's
// silhouette counts the same level, so occlusion stays exact: an unoccluded object's rendered pixels equal its
// silhouette at every distance, whichever level is drawn.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadLibrary } from '../assets/library.js';
import { instanceAppearance } from '../assets/instance.js';
import { type CameraSpec, cameraModel } from '../core/camera.js';
import type { Scene, SceneObject } from '../core/scene.js';
import { silhouetteArea } from '../generators/annotation/silhouette.js';
import { LOD_PIXELS, levelFor, meshLevels } from '../generators/scene/lod.js';
import { Renderer, shutdownRendering } from '../generators/rendering/index.js';

let renderer: Renderer;
before(async () => {
  renderer = await Renderer.create();
});
after(() => {
  renderer.dispose();
  shutdownRendering();
});

test('a scan is drawn coarser the smaller it is seen, and its rendered pixels equal its silhouette at every level', async () => {
  const lib = loadLibrary();
  // the coffee can: 5 812 triangles whose texture atlas cuts it into charts (the levels collapse across their seams)
  const inst = lib.instantiate('imp-coffee-can');
  const look = instanceAppearance(inst);
  assert.equal(look.shape.kind, 'mesh');
  if (look.shape.kind !== 'mesh') return;
  const shape = look.shape;
  const levels = meshLevels(shape);
  assert.ok(levels.length >= 4, `${levels.length} levels`);
  for (let i = 1; i < levels.length; i++) {
    assert.ok(levels[i].indices.length <= 0.8 * levels[i - 1].indices.length, `level ${i} has fewer triangles than level ${i - 1}`);
    assert.ok(levels[i].error >= levels[i - 1].error, `level ${i} strays no less than level ${i - 1}`);
  }
  const obj: SceneObject = {
    id: 7, name: 'coffee can', category: 'can', synonyms: [], assetId: inst.assetRef, shape, material: look.material,
    body: 'fixed', mass: 0.4, friction: 0.5, restitution: 0, pose: { position: [0, 0, inst.size[2] / 2], quaternion: [0, 0, 0, 1] }, annotated: true,
  };
  // the mesh's farthest vertex from its origin: no point of it comes nearer the camera than the distance less this
  let radius = 0;
  for (let i = 0; i < shape.positions.length; i += 3) radius = Math.max(radius, Math.hypot(shape.positions[i], shape.positions[i + 1], shape.positions[i + 2]));
  const seen = new Set<number>();
  // near and in 640×480, then ever smaller in 256²
  for (const [distance, width, height, fovYDeg] of [[0.2, 640, 480, 60], [0.8, 256, 256, 40], [1.6, 256, 256, 40], [3.2, 256, 256, 40]]) {
    const cam: CameraSpec = { name: 'c', width, height, fovYDeg, position: [distance * 0.8, -distance * 0.45, inst.size[2] / 2 + distance * 0.4], target: obj.pose.position, near: 0.02, far: 10 };
    const scene: Scene = { seed: 0, tableTopZ: 0, objects: [obj], cameras: [cam], lighting: { sunDirection: [0.3, 0.2, -1], sunIntensity: 2, ambientIntensity: 1, background: [0, 0, 0] } };
    await renderer.loadTextures(scene);
    renderer.setScene(scene);
    const frame = await renderer.render(cam);
    const model = cameraModel(cam);
    const level = levelFor(shape, obj.pose.position, model);
    seen.add(level);
    // the level's error, seen from here, is within LOD_PIXELS (the rule), and the next coarser one's is not
    const pxPerMetre = model.K[4] / (distance - radius);
    assert.ok(levels[level].error * pxPerMetre <= LOD_PIXELS + 1e-9, `level ${level} at ${distance} m`);
    if (level + 1 < levels.length) assert.ok(levels[level + 1].error * pxPerMetre > LOD_PIXELS * 0.9, `a coarser level than ${level} would do at ${distance} m`);
    let pixels = 0, border = 0;
    for (let i = 0; i < frame.ids.length; i++) {
      if (frame.ids[i] !== 7) continue;
      pixels++;
      const x = i % width, y = Math.floor(i / width);
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) border++;
    }
    assert.equal(border, 0, `the can is whole in the view at ${distance} m (the silhouette counts beyond the image)`);
    const silhouette = silhouetteArea(model, obj);
    // the CPU raster counts pixel centres on an edge, the GPU's top-left rule half of them: a pixel or two apart
    assert.ok(pixels > 50, `${pixels} pixels at ${distance} m`);
    assert.ok(Math.abs(pixels - silhouette) <= 2, `at ${distance} m, level ${level} (${levels[level].indices.length / 3} triangles): ${pixels} pixels rendered, silhouette ${silhouette}`);
  }
  assert.ok(seen.has(0), 'the nearest view draws the full mesh');
  assert.ok(seen.size >= 3, `levels drawn: ${[...seen].join(', ')}`);
  assert.ok(Math.max(...seen) >= 3, 'the farthest view draws an eighth of the triangles or fewer');
});
