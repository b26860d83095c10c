// Mirrors a spatialgen Scene into a three.js scene: one mesh per SceneObject (shared geometry and material
// from the caches), the sun as a shadow-casting directional light, sky/ground fill as a hemisphere light.
// Poses are copied at render time, so physics can move objects between renders without telling us; the shadow
// map is redrawn only when something actually moved, so the cameras of one time step share one shadow pass.
import { Color, DirectionalLight, HemisphereLight, Mesh, Scene as ThreeScene, SRGBColorSpace } from 'three/webgpu';
import { Fn, texture } from 'three/tsl';
import type { Scene, SceneObject } from '../scene/scene.js';
import { shapeHalfExtents } from '../scene/scene.js';
import { norm, rotate, type Vec3 } from '../math.js';
import type { GeometryCache } from './geometry.js';
import type { MaterialCache } from './materials.js';

/** mesh.userData key the MRT id output reads (see mrt.ts) */
export const INSTANCE_ID_KEY = 'instanceId';
/** largest id the id target stores exactly: ids go through a float uniform (24-bit mantissa) into r32uint */
export const MAX_INSTANCE_ID = 2 ** 24 - 1;

export interface SyncOptions {
  /** shadow map edge in texels */
  shadowMapSize: number;
}

interface Tracked {
  obj: SceneObject;
  mesh: Mesh;
  /** last pose copied, to notice motion */
  last: Float64Array;
}

export class SceneSync {
  readonly three = new ThreeScene();
  private readonly sun = new DirectionalLight(0xffffff, 1);
  private readonly fill = new HemisphereLight(0xffffff, 0x808080, 1);
  private tracked: Tracked[] = [];
  private shadowDirty = true;

  constructor(
    private readonly geometries: GeometryCache,
    private readonly materials: MaterialCache,
    options: SyncOptions,
  ) {
    // our world is z-up; three's default up (+y) matters to the hemisphere light and to lookAt
    this.sun.up.set(0, 0, 1);
    this.fill.position.set(0, 0, 1);
    this.sun.castShadow = true;
    this.sun.shadow.mapSize.set(options.shadowMapSize, options.shadowMapSize);
    // we decide when the shadow map is redrawn (markMoved), not three's once-per-camera-per-frame default
    this.sun.shadow.autoUpdate = false;
    (this.sun.shadow as unknown as { filterNode: unknown }).filterNode = bilinearShadowFilter;
    this.three.add(this.sun, this.sun.target, this.fill);
    this.three.matrixWorldAutoUpdate = true;
  }

  /** Replaces every mesh with those of `scene`; geometries and materials come from (and stay in) the caches. */
  setScene(scene: Scene): void {
    this.clearMeshes();
    this.geometries.nextGeneration();
    this.materials.nextGeneration();
    const seen = new Set<number>();
    for (const obj of scene.objects) {
      if (!Number.isInteger(obj.id) || obj.id <= 0 || obj.id > MAX_INSTANCE_ID) {
        throw new Error(`object "${obj.name}": instance id ${obj.id} is not an integer in 1..${MAX_INSTANCE_ID} (0 is background)`);
      }
      if (seen.has(obj.id)) throw new Error(`object "${obj.name}": instance id ${obj.id} is used twice`);
      seen.add(obj.id);
      const { geometry, scale } = this.geometries.forShape(obj.shape);
      const mesh = new Mesh(geometry, this.materials.forMaterial(obj.material));
      mesh.name = obj.name;
      mesh.scale.set(scale[0], scale[1], scale[2]);
      // Whatever lies entirely at or below the table top (the table itself, a floor) can only shadow points
      // below the table top, which no camera of a tabletop scene sees lit anyway. Leaving it out of the shadow
      // map saves most of the shadow pass's fill: the table covers most of the map.
      mesh.castShadow = !isSupport(obj, scene.tableTopZ);
      mesh.receiveShadow = true;
      mesh.userData[INSTANCE_ID_KEY] = obj.id;
      this.three.add(mesh);
      this.tracked.push({ obj, mesh, last: new Float64Array(7).fill(NaN) });
    }
    this.applyLighting(scene);
    this.shadowDirty = true;
  }

  /** Copies the current poses into the meshes; schedules a shadow redraw if anything moved. */
  syncPoses(): void {
    for (const t of this.tracked) {
      const { position: p, quaternion: q } = t.obj.pose;
      const l = t.last;
      if (l[0] !== p[0] || l[1] !== p[1] || l[2] !== p[2] || l[3] !== q[0] || l[4] !== q[1] || l[5] !== q[2] || l[6] !== q[3]) {
        l[0] = p[0]; l[1] = p[1]; l[2] = p[2]; l[3] = q[0]; l[4] = q[1]; l[5] = q[2]; l[6] = q[3];
        t.mesh.position.set(p[0], p[1], p[2]);
        t.mesh.quaternion.set(q[0], q[1], q[2], q[3]);
        this.shadowDirty = true;
      }
    }
    if (this.shadowDirty) {
      this.sun.shadow.needsUpdate = true;
      this.shadowDirty = false;
    }
  }

  get objectCount(): number {
    return this.tracked.length;
  }

  dispose(): void {
    this.clearMeshes();
    this.sun.dispose(); // frees the shadow map
    this.fill.dispose();
  }

  private clearMeshes(): void {
    // geometries and materials belong to the caches; only the Mesh objects go
    for (const t of this.tracked) this.three.remove(t.mesh);
    this.tracked = [];
  }

  private applyLighting(scene: Scene): void {
    const L = scene.lighting;
    const bg = L.background;
    this.three.background = new Color().setRGB(bg[0], bg[1], bg[2], SRGBColorSpace);
    this.sun.intensity = L.sunIntensity;
    this.fill.intensity = L.ambientIntensity;

    // Fit the sun's orthographic shadow camera around the scene's objects as placed now (the table bounds
    // everything that moves), so shadow texels are spent on the table, not on empty space.
    const { centre, radius } = boundingSphere(scene.objects);
    const d0 = L.sunDirection;
    const n = norm(d0) || 1;
    const dir: Vec3 = [d0[0] / n, d0[1] / n, d0[2] / n];
    const dist = 2 * radius;
    this.sun.position.set(centre[0] - dir[0] * dist, centre[1] - dir[1] * dist, centre[2] - dir[2] * dist);
    this.sun.target.position.set(centre[0], centre[1], centre[2]);
    // a sun straight down would make "up" parallel to the view direction; any perpendicular works then
    if (Math.abs(dir[2]) > 0.999) this.sun.up.set(0, 1, 0);
    else this.sun.up.set(0, 0, 1);
    this.sun.target.updateMatrixWorld();
    this.sun.updateMatrixWorld();
    const cam = this.sun.shadow.camera;
    cam.left = -radius;
    cam.right = radius;
    cam.bottom = -radius;
    cam.top = radius;
    cam.near = Math.max(1e-3, dist - radius);
    cam.far = dist + radius;
    cam.updateProjectionMatrix();
    // depth bias ≈ a millimetre over the shadow camera's depth range, normal offset ≈ one texel: no acne on the
    // table, no visible gap (peter-panning) under objects resting on it
    const texel = (2 * radius) / this.sun.shadow.mapSize.x;
    this.sun.shadow.bias = -0.001 / (cam.far - cam.near);
    this.sun.shadow.normalBias = texel;
  }
}

/**
 * Shadow filter: one depth comparison through the comparison sampler, which three sets to linear filtering for
 * PCF shadow maps, i.e. hardware 2×2 PCF. three's default PCF takes five of those with a noise rotation; on a
 * software rasteriser that was a third of the frame time for edges one texel softer.
 */
const bilinearShadowFilter = Fn(({ depthTexture, shadowCoord }: { depthTexture: any; shadowCoord: any }) =>
  texture(depthTexture, shadowCoord.xy).compare(shadowCoord.z),
);

function isSupport(obj: SceneObject, tableTopZ: number): boolean {
  const h = shapeHalfExtents(obj.shape);
  let top = -Infinity;
  for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) {
    top = Math.max(top, obj.pose.position[2] + rotate(obj.pose.quaternion, [sx * h[0], sy * h[1], sz * h[2]])[2]);
  }
  return top <= tableTopZ + 1e-4;
}

function boundingSphere(objects: SceneObject[]): { centre: Vec3; radius: number } {
  if (objects.length === 0) return { centre: [0, 0, 0], radius: 1 };
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const o of objects) {
    const h = shapeHalfExtents(o.shape);
    // the object's own box, rotated: take all 8 corners (cheap, and exact for boxes)
    for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) {
      const c = rotate(o.pose.quaternion, [sx * h[0], sy * h[1], sz * h[2]]);
      for (let k = 0; k < 3; k++) {
        const v = o.pose.position[k] + c[k];
        lo[k] = Math.min(lo[k], v);
        hi[k] = Math.max(hi[k], v);
      }
    }
  }
  const centre: Vec3 = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2];
  // objects may be lifted or pushed during an episode: leave some room around where they start
  const radius = Math.max(0.05, 0.5 * norm([hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]]) * 1.25);
  return { centre, radius };
}
