// Drop tests in real Rapier for library assets: a fixed table whose top is z = 0, one dynamic asset dropped on it
// (240 Hz, the product's damping), and a small ball dropped into a container. Kept lean: one world per drop.
// the product's Rapier build and collider construction, so what is tested is what builds simulate
import type RAPIER from '@dimforge/rapier3d-deterministic-compat';
import { loadRapier } from '../../generators/physics/rapier.js';
import { colliderDescs } from '../../generators/physics/world.js';
import type { Quat, Vec3 } from '../../core/math.js';
import { quatFromAxisAngle, rotate } from '../../core/math.js';
import type { AssetInstance } from '../../assets/instance.js';

type R = typeof RAPIER;
export function rapier(): Promise<R> {
  return loadRapier();
}

const HZ = 240;
/**
 * Rapier scales its tolerances (allowed penetration 1 mm, prediction distance 2 cm) by `lengthUnit`. At the default
 * 1 (human-sized objects) a 10 cm cup can rock within the 1 mm dead band for seconds; table-top objects want 0.1.
 * SPATIALGEN_RAPIER_LENGTH_UNIT overrides it to check other settings.
 */
export const LENGTH_UNIT = Number(process.env.SPATIALGEN_RAPIER_LENGTH_UNIT ?? 0.1);

function newWorld(R: R, gravity = -9.81): RAPIER.World {
  const world = new R.World({ x: 0, y: 0, z: gravity });
  world.timestep = 1 / HZ;
  world.lengthUnit = LENGTH_UNIT;
  return world;
}
function table(R: R, world: RAPIER.World): void {
  const body = world.createRigidBody(R.RigidBodyDesc.fixed().setTranslation(0, 0, -0.05));
  world.createCollider(R.ColliderDesc.cuboid(1.5, 1.5, 0.05).setFriction(0.6), body);
}

function addAsset(R: R, world: RAPIER.World, a: AssetInstance, position: Vec3, q: Quat): { body: RAPIER.RigidBody; colliders: RAPIER.Collider[] } {
  const body = world.createRigidBody(
    R.RigidBodyDesc.dynamic()
      .setTranslation(...position)
      .setRotation({ x: q[0], y: q[1], z: q[2], w: q[3] })
      .setLinearDamping(0.1)
      .setAngularDamping(0.8)
      .setCcdEnabled(true),
  );
  const ds = colliderDescs(R, a.shape);
  const colliders = ds.map((d, i) => {
    d.setFriction(a.friction).setRestitution(a.restitution);
    d.setMass(a.colliderPartMasses ? a.colliderPartMasses[i] : a.mass / ds.length);
    return world.createCollider(d, body);
  });
  return { body, colliders };
}

export interface DropResult {
  linearSpeed: number;
  angularSpeed: number;
  /** angle between the object's +z and the world's +z after settling, degrees */
  tiltDeg: number;
  /** simulated seconds until it came to rest (speed < 5 mm/s, angular < 0.05 rad/s) for good; NaN if never */
  restAt: number;
  position: Vec3;
}

/** Drops `a` from `height` above the table top (measured from its lowest point) with a yaw, simulates `seconds`. */
export async function dropOnTable(a: AssetInstance, opts: { height?: number; yaw?: number; seconds?: number } = {}): Promise<DropResult> {
  const R = await rapier();
  const world = newWorld(R);
  table(R, world);
  const q = quatFromAxisAngle([0, 0, 1], opts.yaw ?? 0.3);
  const { body } = addAsset(R, world, a, [0, 0, a.size[2] / 2 + (opts.height ?? 0.02)], q);
  const steps = Math.round((opts.seconds ?? 2) * HZ);
  let restAt = NaN;
  for (let i = 0; i < steps; i++) {
    world.step();
    const v = body.linvel();
    const w = body.angvel();
    const resting = Math.hypot(v.x, v.y, v.z) < 0.005 && Math.hypot(w.x, w.y, w.z) < 0.05;
    if (!resting) restAt = NaN;
    else if (Number.isNaN(restAt)) restAt = (i + 1) / HZ;
  }
  const v = body.linvel();
  const w = body.angvel();
  const r = body.rotation();
  const up = rotate([r.x, r.y, r.z, r.w], [0, 0, 1]);
  const t = body.translation();
  const res: DropResult = {
    linearSpeed: Math.hypot(v.x, v.y, v.z),
    angularSpeed: Math.hypot(w.x, w.y, w.z),
    tiltDeg: (Math.acos(Math.min(1, up[2])) * 180) / Math.PI,
    restAt,
    position: [t.x, t.y, t.z],
  };
  world.free();
  return res;
}

export interface StackResult {
  /** the top object's centre above the support's, metres (resting on it: the sum of their half heights) */
  rise: number;
  /** how far the top object's centre ended from the support's, horizontally, metres */
  drift: number;
  linearSpeed: number;
}

/** Lets `support` settle on the table, then drops `top` from 1 cm above the support's top onto its centre; 2 s. */
export async function restOn(support: AssetInstance, top: AssetInstance, yaw = 0.3): Promise<StackResult> {
  const R = await rapier();
  const world = newWorld(R);
  table(R, world);
  const s = addAsset(R, world, support, [0, 0, support.size[2] / 2 + 0.001], [0, 0, 0, 1]);
  for (let i = 0; i < HZ / 2; i++) world.step();
  const t = addAsset(R, world, top, [0, 0, support.size[2] + top.size[2] / 2 + 0.01], quatFromAxisAngle([0, 0, 1], yaw));
  for (let i = 0; i < 2 * HZ; i++) world.step();
  const a = s.body.translation(), b = t.body.translation(), v = t.body.linvel();
  const res = { rise: b.z - a.z, drift: Math.hypot(b.x - a.x, b.y - a.y), linearSpeed: Math.hypot(v.x, v.y, v.z) };
  world.free();
  return res;
}

/** The collider's axis-aligned box in the object frame, measured from what Rapier built (hull vertices / shape). */
export async function rapierColliderAabb(a: AssetInstance): Promise<{ min: Vec3; max: Vec3 }> {
  const R = await rapier();
  const world = newWorld(R, 0);
  const { colliders } = addAsset(R, world, a, [0, 0, 0], [0, 0, 0, 1]);
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  const grow = (p: Vec3) => {
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k], p[k]);
      max[k] = Math.max(max[k], p[k]);
    }
  };
  for (const c of colliders) {
    const s = c.shape;
    if (s instanceof R.ConvexPolyhedron) {
      const v = s.vertices;
      for (let i = 0; i < v.length; i += 3) grow([v[i], v[i + 1], v[i + 2]]);
    } else if (s instanceof R.Cuboid) {
      grow([-s.halfExtents.x, -s.halfExtents.y, -s.halfExtents.z]);
      grow([s.halfExtents.x, s.halfExtents.y, s.halfExtents.z]);
    } else if (s instanceof R.Ball) {
      grow([-s.radius, -s.radius, -s.radius]);
      grow([s.radius, s.radius, s.radius]);
    } else if (s instanceof R.Cylinder || s instanceof R.Cone) {
      // stood along +z by the collider's rotation
      grow([-s.radius, -s.radius, -s.halfHeight]);
      grow([s.radius, s.radius, s.halfHeight]);
    } else throw new Error(`unexpected collider shape ${s.type}`);
  }
  world.free();
  return { min, max };
}

export interface ContainerResult {
  inside: boolean;
  /** ball centre in the container's frame at the end */
  ballLocal: Vec3;
  containerTiltDeg: number;
}

/**
 * Lets the container settle on the table, then drops a ball (radius `r`) from above its place region's centre, and
 * reports whether the ball ends inside the cavity: within the region's xy footprint (grown by the wall slope) and
 * below the rim.
 */
export async function ballIntoContainer(c: AssetInstance, r: number, opts: { seconds?: number } = {}): Promise<ContainerResult> {
  if (!c.placeRegion) throw new Error(`${c.assetId} has no place region`);
  const R = await rapier();
  const world = newWorld(R);
  table(R, world);
  const { body } = addAsset(R, world, c, [0, 0, c.size[2] / 2 + 0.002], [0, 0, 0, 1]);
  for (let i = 0; i < HZ / 4; i++) world.step();
  const pr = c.placeRegion;
  const t0 = body.translation();
  const q0 = body.rotation();
  const top = rotate([q0.x, q0.y, q0.z, q0.w], [pr.center[0], pr.center[1], pr.center[2] + pr.depth]);
  const ball = world.createRigidBody(
    R.RigidBodyDesc.dynamic()
      .setTranslation(t0.x + top[0], t0.y + top[1], t0.z + top[2] + r + 0.03)
      .setLinearDamping(0.1)
      .setAngularDamping(0.8)
      .setCcdEnabled(true),
  );
  world.createCollider(R.ColliderDesc.ball(r).setMass(0.03).setFriction(0.8).setRestitution(0.3), ball);
  const steps = Math.round((opts.seconds ?? 2) * HZ);
  for (let i = 0; i < steps; i++) world.step();
  const t = body.translation();
  const q = body.rotation();
  const b = ball.translation();
  const inv: Quat = [-q.x, -q.y, -q.z, q.w];
  const local = rotate(inv, [b.x - t.x, b.y - t.y, b.z - t.z]);
  const up = rotate([q.x, q.y, q.z, q.w], [0, 0, 1]);
  const dx = Math.abs(local[0] - pr.center[0]);
  const dy = Math.abs(local[1] - pr.center[1]);
  const dz = local[2] - pr.center[2];
  // the footprint widens towards the rim; the cavity is at most the object's own footprint
  const inside = dx < c.size[0] / 2 && dy < c.size[1] / 2 && dz > -0.002 && dz < pr.depth + r;
  world.free();
  return { inside, ballLocal: local, containerTiltDeg: (Math.acos(Math.min(1, up[2])) * 180) / Math.PI };
}
