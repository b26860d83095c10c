// The robot as the scene sees it: one kinematic SceneObject per link geometry, so the renderer draws the arm and
// physics collides with it without knowing what a robot is. Ids start at FIRST_ROBOT_LINK_ID (core/scene.ts's id ranges).
import type { Pose, Quat } from '../../core/math.js';
import { invertRigid, poseToMat4 } from '../../core/math.js';
import type { SceneObject, Shape } from '../../core/scene.js';
import { FIRST_ROBOT_LINK_ID, shapeHalfExtents } from '../../core/scene.js';
import { chainTo } from '../../core/robot-model.js';
import { type Obb, obbFromMatrix } from './obb.js';
import { mat3ToQuat, mat4Multiply, mat4ToPose } from '../../core/frames.js';
import { type Kinematics, affineFromMat4, mul } from './kinematics.js';
import type { LinkGeometry } from '../../core/robot-model.js';

/** Rubber finger pads; Rapier averages the two friction coefficients of a contact. */
export const FINGER_FRICTION = 1.5;

interface RigPart {
  id: number;
  link: number;
  /** moved by some arm joint (not the base's own geometry) */
  moving: boolean;
  /** carried by the last arm joint: the hand and fingers */
  hand: boolean;
  offset: Float64Array;
}

function transformPoints(points: Float32Array, m: number[]): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i], y = points[i + 1], z = points[i + 2];
    out[i] = m[0] * x + m[1] * y + m[2] * z + m[3];
    out[i + 1] = m[4] * x + m[5] * y + m[6] * z + m[7];
    out[i + 2] = m[8] * x + m[9] * y + m[10] * z + m[11];
  }
  return out;
}

/** A visual mesh collides as the hulls of its link's collision meshes (brought into the visual's frame) when there are any. */
function partShape(g: LinkGeometry, collisions: LinkGeometry[]): Shape {
  if (g.shape.kind !== 'mesh') return g.shape;
  const meshes = collisions.filter((c) => c.shape.kind === 'mesh');
  if (!meshes.length) return g.shape;
  const toVisual = (c: LinkGeometry) => mat4Multiply(invertRigid(poseToMat4(g.origin)), poseToMat4(c.origin));
  return { ...g.shape, convexParts: meshes.map((c) => transformPoints((c.shape as Extract<Shape, { kind: 'mesh' }>).positions, toVisual(c))) };
}

export class RobotRig {
  readonly objects: SceneObject[] = [];
  /** scene ids of the finger geometry */
  readonly fingerIds: number[] = [];
  private readonly parts: RigPart[] = [];
  private readonly base: number[];
  private readonly lastQuat = new Map<number, Quat>();
  private readonly baseAffine: Float64Array;
  private readonly scratch = [new Float64Array(12), new Float64Array(12)];

  constructor(
    readonly kin: Kinematics,
    readonly basePose: Pose,
    firstId = FIRST_ROBOT_LINK_ID,
  ) {
    this.base = poseToMat4(basePose);
    this.baseAffine = affineFromMat4(this.base);
    const model = kin.model;
    const fingerLinks = new Set(model.joints.filter((j) => model.gripper?.fingerJoints.includes(j.name)).map((j) => j.child));
    let id = firstId;
    for (const l of model.links) {
      const li = kin.linkIndex(l.name);
      l.visuals.forEach((g, k) => {
        const finger = fingerLinks.has(l.name);
        const obj: SceneObject = {
          id, name: `${model.name} ${l.name}${l.visuals.length > 1 ? ` ${k + 1}` : ''}`, category: 'robot', synonyms: ['robot', 'arm', 'gripper'],
          assetId: `robot/${model.name}/${l.name}`, shape: partShape(g, l.collisions),
          material: g.material ?? { colorName: 'gray', rgb: [0.6, 0.6, 0.62], roughness: 0.5, metalness: 0.1 },
          body: 'kinematic', mass: 0, friction: finger ? FINGER_FRICTION : 0.4, restitution: 0,
          pose: { position: [0, 0, 0], quaternion: [0, 0, 0, 1] }, annotated: false,
          // the link's real mesh is given in the link frame; the object's frame is the geometry's (g.origin)
          ...(g.look ? { visual: { shape: g.look.shape, material: g.look.material, origin: mat4ToPose(mat4Multiply(invertRigid(poseToMat4(g.origin)), poseToMat4(g.look.origin))) } } : {}),
        };
        this.objects.push(obj);
        const chain = chainTo(model, l.name).map((j) => j.name);
        this.parts.push({
          id, link: li, offset: affineFromMat4(poseToMat4(g.origin)),
          moving: model.armJoints.some((a) => chain.includes(a)), hand: chain.includes(model.armJoints[model.armJoints.length - 1]),
        });
        if (finger) this.fingerIds.push(id);
        id++;
      });
    }
  }

  /**
   * World poses of every rig object for arm joints q and gripper opening (metres). Quaternions keep the sign of
   * the previous call's: Rapier derives a kinematic body's angular velocity from the change of its quaternion, and
   * a sign flip (q and −q are one rotation, common for a hand pointing down, where w ≈ 0) reads as a full turn
   * in one step — which flings whatever the fingers touch.
   */
  poses(q: ArrayLike<number>, opening: number): { id: number; pose: Pose }[] {
    const frames = this.kin.linkFrames(q, opening);
    const [a, b] = this.scratch;
    return this.parts.map((p) => {
      mul(b, mul(a, this.baseAffine, frames[p.link]), p.offset);
      const pose: Pose = { position: [b[3], b[7], b[11]], quaternion: mat3ToQuat([b[0], b[1], b[2], b[4], b[5], b[6], b[8], b[9], b[10]]) };
      const prev = this.lastQuat.get(p.id);
      const r = pose.quaternion;
      if (prev && prev[0] * r[0] + prev[1] * r[1] + prev[2] * r[2] + prev[3] * r[3] < 0) pose.quaternion = [-r[0], -r[1], -r[2], -r[3]];
      this.lastQuat.set(p.id, pose.quaternion);
      return { id: p.id, pose };
    });
  }

  /**
   * Boxes around the arm's moving parts at a configuration (world frame), for planning; unlike poses() this
   * keeps no state, so it can be called between physics steps.
   */
  partBoxes(q: ArrayLike<number>, opening: number): { obb: Obb; hand: boolean }[] {
    const frames = this.kin.linkFrames(q, opening);
    const [a, b] = this.scratch;
    const out: { obb: Obb; hand: boolean }[] = [];
    this.parts.forEach((p, k) => {
      if (!p.moving) return;
      mul(b, mul(a, this.baseAffine, frames[p.link]), p.offset);
      out.push({ obb: obbFromMatrix([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], 0, 0, 0, 1], shapeHalfExtents(this.objects[k].shape)), hand: p.hand });
    });
    return out;
  }

  /** Puts the rig objects at a configuration directly (before physics exists, or for rendering). */
  place(q: ArrayLike<number>, opening: number): void {
    const byId = new Map(this.objects.map((o) => [o.id, o]));
    for (const { id, pose } of this.poses(q, opening)) byId.get(id)!.pose = pose;
  }

  /** TCP in the world frame. */
  tcpWorld(q: ArrayLike<number>): Pose {
    return mat4ToPose(mat4Multiply(this.base, this.kin.tcp(q)));
  }

  tcpWorldMatrix(q: ArrayLike<number>): number[] {
    return mat4Multiply(this.base, this.kin.tcp(q));
  }

  /** A world-frame TCP target in the base frame (what IK solves for). */
  toBase(worldTcp: number[]): number[] {
    return mat4Multiply(invertRigid(this.base), worldTcp);
  }
}

/** how far the mount reaches beyond the base link's footprint on every side, metres */
const MOUNT_MARGIN = 0.03;

/**
 * What a raised base stands on (the table top lies below it: environment.table_height_jitter): a dark aluminium
 * block from the table top up to the base, square under the base link's footprint and turned with the base. A fixed
 * body of the robot's (planners and annotations leave it alone), id after the rig's links; none when the base stands
 * on the table top.
 */
export function mountUnder(rig: RobotRig, tableTopZ: number): SceneObject | null {
  const height = rig.basePose.position[2] - tableTopZ;
  if (height < 1e-4) return null;
  const link = rig.objects[0];
  const half = shapeHalfExtents(link.shape);
  const side = 2 * (Math.max(half[0], half[1]) + MOUNT_MARGIN);
  const [x, y] = link.pose.position;
  const last = rig.objects[rig.objects.length - 1];
  return {
    id: last.id + 1, name: `${rig.kin.model.name} mount`, category: 'robot', synonyms: ['mount', 'pedestal'], assetId: `robot/${rig.kin.model.name}/mount`,
    shape: { kind: 'box', size: [side, side, height] }, material: { colorName: 'dark gray', rgb: [0.22, 0.22, 0.24], roughness: 0.45, metalness: 0.5 },
    body: 'fixed', mass: 0, friction: 0.5, restitution: 0,
    pose: { position: [x, y, tableTopZ + height / 2], quaternion: [...rig.basePose.quaternion] as Quat }, annotated: false,
  };
}
