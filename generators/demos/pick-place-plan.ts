// Where things go: the pose an object is released at for each task, the height it is carried at (clear of
// everything on the table), free spots beside a reference object, and the straight push that moves an object
// into a region. Pure geometry on the scene; IK and physics are the caller's.
import type { Vec3 } from '../../core/math.js';
import type { SceneObject } from '../../core/scene.js';
import { type Region, type TaskSpec, inRegion, tableRegions } from './pick-place-tasks.js';
import { containerInterior, footprintRadius, zRange } from '../scene/geometry.js';

/** Gap left under an object when it is let go above a surface, metres. */
export const RELEASE_GAP = 0.006;

export interface PlaceTarget {
  /** where the object's centre should be when released (world) */
  center: Vec3;
  /** the annotated place point: on the surface the object is put on */
  point: Vec3;
}

/** Height of an object's centre above its lowest point, for its current orientation. */
export function centerAboveBottom(o: SceneObject): number {
  return o.pose.position[2] - zRange(o).zmin;
}

/** Free spots beside `y` for `x` on the table, those at the object's present distance from the robot first. */
export function spotsBeside(x: SceneObject, y: SceneObject, objects: readonly SceneObject[], tableTopZ: number, tableHalf: readonly [number, number], robotBase: Vec3): Vec3[] {
  const rx = footprintRadius(x), ry = footprintRadius(y);
  const d = rx + ry + 0.025;
  const others = objects.filter((o) => o.id !== x.id && o.body !== 'fixed' && o.category !== 'robot');
  const out: Vec3[] = [];
  for (let k = 0; k < 8; k++) {
    const a = (Math.PI * k) / 4;
    const p: Vec3 = [y.pose.position[0] + d * Math.cos(a), y.pose.position[1] + d * Math.sin(a), tableTopZ];
    if (Math.abs(p[0]) > tableHalf[0] - rx || Math.abs(p[1]) > tableHalf[1] - rx) continue;
    if (others.some((o) => o.id !== y.id && Math.hypot(o.pose.position[0] - p[0], o.pose.position[1] - p[1]) < rx + footprintRadius(o) + 0.02)) continue;
    out.push(p);
  }
  // as far from the robot as the object is now: it was reachable there, and arms are awkward close to their base
  const reach = Math.hypot(x.pose.position[0] - robotBase[0], x.pose.position[1] - robotBase[1]);
  const off = (p: Vec3) => Math.abs(Math.hypot(p[0] - robotBase[0], p[1] - robotBase[1]) - reach);
  return out.sort((a, b) => off(a) - off(b));
}

/**
 * Release pose of X's centre for a placing task, given X as it is held now (its orientation and how far its
 * centre sits above its lowest point). `spot` is the chosen free spot for move_near.
 */
export function placeTarget(t: TaskSpec, x: SceneObject, y: SceneObject | undefined, tableTopZ: number, spot?: Vec3): PlaceTarget | null {
  const up = centerAboveBottom(x);
  switch (t.primitive) {
    case 'place_on':
    case 'stack': {
      const top = zRange(y!).zmax;
      return { center: [y!.pose.position[0], y!.pose.position[1], top + up + RELEASE_GAP], point: [y!.pose.position[0], y!.pose.position[1], top] };
    }
    case 'place_in': {
      const inside = containerInterior(y!);
      return { center: [y!.pose.position[0], y!.pose.position[1], inside.floorZ + up + 2 * RELEASE_GAP], point: [y!.pose.position[0], y!.pose.position[1], inside.floorZ] };
    }
    case 'move_near':
      if (!spot) return null;
      return { center: [spot[0], spot[1], tableTopZ + up + RELEASE_GAP], point: [spot[0], spot[1], tableTopZ] };
    default:
      return null;
  }
}

/** The TCP height that carries the held object's bottom `clearance` above everything on the table. */
export function carryHeight(objects: readonly SceneObject[], held: SceneObject, tcpAboveBottom: number, minBottom: number, clearance = 0.04): number {
  let top = minBottom;
  for (const o of objects) {
    if (o.id === held.id || o.body === 'fixed' || o.category === 'robot') continue;
    top = Math.max(top, zRange(o).zmax + clearance);
  }
  return top + tcpAboveBottom;
}

export interface PushPlan {
  region: Region;
  /** unit push direction (world, horizontal) */
  dir: Vec3;
  /** TCP start and end (world) */
  start: Vec3;
  end: Vec3;
}

/** Push directions tried per region: straight towards it first, then turned by these angles (radians) past a blocker. */
const PUSH_TURNS = [0, 0.4, -0.4];

/**
 * A straight push of X into one of the table's regions: the regions X is not already in, reachable with a push
 * under `maxDistance` whose corridor is free of other objects; where the straight corridor is blocked, one turned
 * up to 23° from it (still ending inside the region), the first free one per region.
 */
export function pushPlans(x: SceneObject, objects: readonly SceneObject[], area: [number, number], tcpHeight: number, maxDistance = 0.3): PushPlan[] {
  const rx = footprintRadius(x);
  const c = x.pose.position;
  const axes: Record<string, Vec3> = { left: [0, 1, 0], right: [0, -1, 0], far: [1, 0, 0], near: [-1, 0, 0] };
  const out: PushPlan[] = [];
  for (const region of tableRegions(area)) {
    if (inRegion(c, region)) continue;
    const axis = axes[region.name.split(' ')[1]];
    // how far the centre must travel along the axis to be 3 cm inside the region
    const depth = axis[0] > 0 ? region.min[0] + 0.03 - c[0] : axis[0] < 0 ? c[0] - (region.max[0] - 0.03) : axis[1] > 0 ? region.min[1] + 0.03 - c[1] : c[1] - (region.max[1] - 0.03);
    if (depth <= 0) continue;
    for (const turn of PUSH_TURNS) {
      const dir: Vec3 = [axis[0] * Math.cos(turn) - axis[1] * Math.sin(turn), axis[0] * Math.sin(turn) + axis[1] * Math.cos(turn), 0];
      const need = depth / Math.cos(turn);
      if (need > maxDistance || !inRegion([c[0] + dir[0] * need, c[1] + dir[1] * need, c[2]], region)) continue;
      const back = rx + 0.025;
      const start: Vec3 = [c[0] - dir[0] * back, c[1] - dir[1] * back, tcpHeight];
      // the finger face (1 cm ahead of the TCP) starts 1.5 cm behind X and goes 1 cm further than needed
      const travel = back - rx - 0.01 + need + 0.01;
      const end: Vec3 = [start[0] + dir[0] * travel, start[1] + dir[1] * travel, tcpHeight];
      // the corridor swept by X and the fingers must be free of other objects
      const blocked = objects.some((o) => {
        if (o.id === x.id || o.body === 'fixed' || o.category === 'robot') return false;
        const v = [o.pose.position[0] - start[0], o.pose.position[1] - start[1]];
        const along = v[0] * dir[0] + v[1] * dir[1];
        const across = Math.abs(-v[0] * dir[1] + v[1] * dir[0]);
        return along > -0.05 && along < need + back + rx + 0.05 && across < rx + footprintRadius(o) + 0.02;
      });
      if (blocked) continue;
      out.push({ region, dir, start, end });
      break;
    }
  }
  return out;
}
