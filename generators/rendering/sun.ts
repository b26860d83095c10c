// The sun: a directional light whose shadow map is redrawn only when something moved, and whose orthographic
// shadow camera is refitted around the shadow casters each time. On a software rasteriser the shadow pass
// costs in proportion to the map's area (1024² cost a frame's worth of raster time per time step, 512² a
// quarter of it), so the map is kept small and its texels are spent only where shadows can fall: in the light's
// view, a shadow lies exactly behind its caster, so the casters' light-space rectangle covers every shadow.
import { DirectionalLight, Matrix4, Vector3 } from 'three/webgpu';
import { Fn, texture } from 'three/tsl';
import type { SceneObject } from '../../core/scene.js';
import { shapeHalfExtents } from '../../core/scene.js';
import { norm, rotate, type Vec3 } from '../../core/math.js';

/** extra room around the casters, metres: soft shadow edges and normal offsets reach a little past them */
const MARGIN = 0.02;

/**
 * Shadow filter: one depth comparison through the comparison sampler, which three sets to linear filtering for
 * PCF shadow maps, i.e. hardware 2×2 PCF. three's default takes five of those around a noise-rotated disk:
 * five texture fetches per pixel for edges one texel softer.
 */
const bilinearShadowFilter = Fn(({ depthTexture, shadowCoord }: { depthTexture: any; shadowCoord: any }) =>
  texture(depthTexture, shadowCoord.xy).compare(shadowCoord.z),
);

const view = new Matrix4();
const p = new Vector3();

export class Sun {
  readonly light = new DirectionalLight(0xffffff, 1);
  /** the light-space depth range must reach every receiver (beyond it three treats a point as lit) */
  private farthest = 10;
  /**
   * Width of the shadow edges, metres: the 2×2 comparison makes an edge one texel wide, so the frustum is widened
   * until a texel is this large (never narrowed below the casters). Softer shadows, the same cost.
   */
  edge = 0;

  constructor(mapSize: number) {
    this.light.castShadow = true;
    this.light.shadow.mapSize.set(mapSize, mapSize);
    // we decide when the shadow map is redrawn, not three's once-per-camera-per-frame default
    this.light.shadow.autoUpdate = false;
    (this.light.shadow as unknown as { filterNode: unknown }).filterNode = bilinearShadowFilter;
  }

  /** Aims the light for a new scene: from `direction` (the way sunlight travels) at everything in `objects`. */
  aim(direction: Vec3, intensity: number, objects: SceneObject[]): void {
    this.light.intensity = intensity;
    const { centre, radius } = boundingSphere(objects);
    const n = norm(direction) || 1;
    const d: Vec3 = [direction[0] / n, direction[1] / n, direction[2] / n];
    // far enough back that no object of the scene is behind the light, even lifted a little
    const dist = 2 * radius + 1;
    this.light.position.set(centre[0] - d[0] * dist, centre[1] - d[1] * dist, centre[2] - d[2] * dist);
    this.light.target.position.set(centre[0], centre[1], centre[2]);
    // our world is z-up; a sun straight down makes z parallel to the view direction, then any perpendicular works
    this.light.up.set(0, Math.abs(d[2]) > 0.999 ? 1 : 0, Math.abs(d[2]) > 0.999 ? 0 : 1);
    this.light.target.updateMatrixWorld();
    this.light.updateMatrixWorld();
    this.farthest = dist + 2 * radius;
  }

  /** Fits the shadow camera around `casters` as posed now and asks three to redraw the map. */
  refit(casters: SceneObject[]): void {
    const shadow = this.light.shadow;
    const cam = shadow.camera;
    // the shadow camera's view: at the light, looking at its target (what three's LightShadow does)
    cam.position.setFromMatrixPosition(this.light.matrixWorld);
    p.setFromMatrixPosition(this.light.target.matrixWorld);
    cam.up.copy(this.light.up);
    cam.lookAt(p);
    cam.updateMatrixWorld();
    view.copy(cam.matrixWorld).invert();

    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    let near = Infinity;
    for (const o of casters) {
      const h = shapeHalfExtents(o.shape);
      for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) {
        const c = rotate(o.pose.quaternion, [sx * h[0], sy * h[1], sz * h[2]]);
        p.set(o.pose.position[0] + c[0], o.pose.position[1] + c[1], o.pose.position[2] + c[2]).applyMatrix4(view);
        x0 = Math.min(x0, p.x);
        x1 = Math.max(x1, p.x);
        y0 = Math.min(y0, p.y);
        y1 = Math.max(y1, p.y);
        near = Math.min(near, -p.z);
      }
    }
    if (casters.length === 0) {
      x0 = y0 = -0.1;
      x1 = y1 = 0.1;
      near = 0.01;
    }
    // square texels: the map is square, so the frustum is too
    const half = Math.max(Math.max(x1 - x0, y1 - y0) / 2 + MARGIN, (this.edge * shadow.mapSize.x) / 2);
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    cam.left = cx - half;
    cam.right = cx + half;
    cam.bottom = cy - half;
    cam.top = cy + half;
    cam.near = Math.max(1e-3, near - MARGIN);
    cam.far = Math.max(cam.near + 0.1, this.farthest);
    cam.updateProjectionMatrix();
    // depth bias ≈ 1 mm over the depth range, normal offset ≈ one texel: no acne on flat faces, no visible gap
    // (peter-panning) under objects standing on the table
    shadow.bias = -0.001 / (cam.far - cam.near);
    shadow.normalBias = (2 * half) / shadow.mapSize.x;
    shadow.needsUpdate = true;
  }

  dispose(): void {
    this.light.dispose(); // frees the shadow map
  }
}

function boundingSphere(objects: SceneObject[]): { centre: Vec3; radius: number } {
  if (objects.length === 0) return { centre: [0, 0, 0], radius: 1 };
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const o of objects) {
    const h = shapeHalfExtents(o.shape);
    const r = norm(h);
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k], o.pose.position[k] - r);
      hi[k] = Math.max(hi[k], o.pose.position[k] + r);
    }
  }
  const centre: Vec3 = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2];
  return { centre, radius: Math.max(0.05, 0.5 * norm([hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]])) };
}
