// Surface samples (points with outward normals) of a collider shape, in the object frame. The gripper senses the
// width between its pads from them and grasp synthesis finds antipodal contacts on them; both need the collider's
// surface, not the render mesh's vertices (a cone's slanted side has vertices only at its rim and apex).
import type { Vec3 } from '../../core/math.js';
import type { Shape } from '../../core/scene.js';

export interface SurfaceSamples {
  points: Float32Array;
  normals: Float32Array;
}

const SPACING = 0.004; // metres between samples: a 4 mm error bound on widths at slanted surfaces, exact on flat ones

function builder() {
  const p: number[] = [];
  const n: number[] = [];
  return {
    add(pt: Vec3, nr: Vec3) {
      const l = Math.hypot(...nr) || 1;
      p.push(pt[0], pt[1], pt[2]);
      n.push(nr[0] / l, nr[1] / l, nr[2] / l);
    },
    done(): SurfaceSamples {
      return { points: Float32Array.from(p), normals: Float32Array.from(n) };
    },
  };
}

const steps = (len: number) => Math.max(2, Math.ceil(len / SPACING) + 1);

function sampleBox(size: Vec3): SurfaceSamples {
  const b = builder();
  const h = size.map((s) => s / 2);
  for (let axis = 0; axis < 3; axis++) {
    const u = (axis + 1) % 3, v = (axis + 2) % 3;
    const nu = steps(size[u]), nv = steps(size[v]);
    for (const sign of [-1, 1]) {
      for (let i = 0; i < nu; i++) for (let j = 0; j < nv; j++) {
        const pt: Vec3 = [0, 0, 0];
        pt[axis] = sign * h[axis];
        pt[u] = -h[u] + (size[u] * i) / (nu - 1);
        pt[v] = -h[v] + (size[v] * j) / (nv - 1);
        const nr: Vec3 = [0, 0, 0];
        nr[axis] = sign;
        b.add(pt, nr);
      }
    }
  }
  return b.done();
}

function ringCount(r: number) {
  return Math.max(12, Math.ceil((2 * Math.PI * r) / SPACING));
}

/** Round shapes along +z: side profile r(z) with its outward normal slope, plus flat caps. */
function sampleRevolved(profile: { z: number; r: number; nz: number }[], caps: { z: number; r: number; up: boolean }[]): SurfaceSamples {
  const b = builder();
  for (const { z, r, nz } of profile) {
    const m = ringCount(r);
    for (let k = 0; k < m; k++) {
      const a = (2 * Math.PI * k) / m;
      const c = Math.cos(a), s = Math.sin(a);
      const nr = Math.sqrt(Math.max(0, 1 - nz * nz));
      b.add([r * c, r * s, z], [c * nr, s * nr, nz]);
    }
  }
  for (const cap of caps) {
    const rings = Math.max(1, Math.ceil(cap.r / SPACING));
    b.add([0, 0, cap.z], [0, 0, cap.up ? 1 : -1]);
    for (let i = 1; i <= rings; i++) {
      const r = (cap.r * i) / rings;
      const m = ringCount(r);
      for (let k = 0; k < m; k++) {
        const a = (2 * Math.PI * k) / m;
        b.add([r * Math.cos(a), r * Math.sin(a), cap.z], [0, 0, cap.up ? 1 : -1]);
      }
    }
  }
  return b.done();
}

function sampleShape(shape: Shape): SurfaceSamples {
  switch (shape.kind) {
    case 'box':
      return sampleBox(shape.size);
    case 'cylinder': {
      const n = steps(shape.height);
      const profile = Array.from({ length: n }, (_, i) => ({ z: -shape.height / 2 + (shape.height * i) / (n - 1), r: shape.radius, nz: 0 }));
      return sampleRevolved(profile, [{ z: shape.height / 2, r: shape.radius, up: true }, { z: -shape.height / 2, r: shape.radius, up: false }]);
    }
    case 'cone': {
      // apex at +h/2, base of radius r at −h/2; the side normal tilts up by atan(r/h)
      const n = steps(Math.hypot(shape.height, shape.radius));
      const nz = shape.radius / Math.hypot(shape.height, shape.radius);
      const profile = Array.from({ length: n }, (_, i) => {
        const t = i / (n - 1);
        return { z: -shape.height / 2 + shape.height * t, r: shape.radius * (1 - t), nz };
      });
      return sampleRevolved(profile, [{ z: -shape.height / 2, r: shape.radius, up: false }]);
    }
    case 'sphere':
    case 'capsule': {
      const r = shape.radius;
      const half = shape.kind === 'capsule' ? shape.height / 2 : 0;
      const profile: { z: number; r: number; nz: number }[] = [];
      const nArc = Math.max(6, Math.ceil((Math.PI * r) / 2 / SPACING));
      for (let i = 0; i <= nArc; i++) {
        const phi = (Math.PI / 2) * (i / nArc); // 0 at the equator, π/2 at the pole
        profile.push({ z: half + r * Math.sin(phi), r: r * Math.cos(phi), nz: Math.sin(phi) });
        if (i > 0 || half > 0) profile.push({ z: -half - r * Math.sin(phi), r: r * Math.cos(phi), nz: -Math.sin(phi) });
      }
      if (half > 0) {
        const n = steps(2 * half);
        for (let i = 1; i < n - 1; i++) profile.push({ z: -half + (2 * half * i) / (n - 1), r, nz: 0 });
      }
      return sampleRevolved(profile, []);
    }
    case 'mesh':
      return sampleMesh(shape.positions, shape.indices);
  }
}

/** Triangles subdivided until samples are SPACING apart, each sample with its face normal. */
function sampleMesh(pos: Float32Array, idx: Uint32Array): SurfaceSamples {
  const b = builder();
  const v = (i: number): Vec3 => [pos[i * 3], pos[i * 3 + 1], pos[i * 3 + 2]];
  for (let t = 0; t < idx.length; t += 3) {
    const a = v(idx[t]), bb = v(idx[t + 1]), c = v(idx[t + 2]);
    const e1: Vec3 = [bb[0] - a[0], bb[1] - a[1], bb[2] - a[2]];
    const e2: Vec3 = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    const nr: Vec3 = [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
    if (Math.hypot(...nr) < 1e-12) continue;
    const m = Math.max(1, Math.ceil(Math.max(Math.hypot(...e1), Math.hypot(...e2)) / SPACING));
    for (let i = 0; i <= m; i++) for (let j = 0; i + j <= m; j++) {
      const s = i / m, u = j / m;
      b.add([a[0] + e1[0] * s + e2[0] * u, a[1] + e1[1] * s + e2[1] * u, a[2] + e1[2] * s + e2[2] * u], nr);
    }
  }
  return b.done();
}

const cache = new WeakMap<Shape, SurfaceSamples>();

export function surfaceSamples(shape: Shape): SurfaceSamples {
  let s = cache.get(shape);
  if (!s) {
    s = sampleShape(shape);
    cache.set(shape, s);
  }
  return s;
}
