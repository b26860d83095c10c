// RobotModel: what an embodiment is, in the terms URDF uses (links, joints, limits, geometry) plus what a scripted
// demo needs on top: which joints are the arm, where the tool-centre point is, how the gripper opens. Built-in
// models (assets/robots) and imported URDFs produce the same type, so kinematics, IK and physics serve both.
import type { Pose, Vec3 } from './math.js';
import type { Material, Shape } from './scene.js';

export type JointType = 'revolute' | 'continuous' | 'prismatic' | 'fixed';

export interface JointLimit {
  /** radians or metres; ±Infinity for continuous joints */
  lower: number;
  upper: number;
  /** rad/s or m/s */
  velocity: number;
  effort: number;
}

export interface RobotJoint {
  name: string;
  type: JointType;
  parent: string;
  child: string;
  /** child joint frame in the parent link frame at q = 0 */
  origin: Pose;
  /** unit axis in the joint frame */
  axis: Vec3;
  limit: JointLimit;
  /** q = multiplier · q(joint) + offset (URDF <mimic>) */
  mimic?: { joint: string; multiplier: number; offset: number };
}

export interface LinkGeometry {
  /** geometry frame in the link frame */
  origin: Pose;
  shape: Shape;
  material?: Material;
  /** a finer mesh drawn in place of `shape` (SceneObject.visual), at `origin` in the link frame */
  look?: { shape: Extract<Shape, { kind: 'mesh' }>; material: Material; origin: Pose };
}

export interface RobotLink {
  name: string;
  visuals: LinkGeometry[];
  collisions: LinkGeometry[];
}

/** A parallel-jaw gripper: two prismatic fingers moving symmetrically about the TCP's y axis. */
export interface GripperModel {
  /** finger joints; a joint's value for a total opening o is (o/2)·scale + offset */
  fingerJoints: string[];
  openingToJoint: { scale: number; offset: number };
  /** widest distance between the pads' inner faces, metres */
  maxOpening: number;
  /** how fast the opening changes, m/s */
  speed: number;
  /**
   * The pads as boxes in the TCP frame (x across the pad, y along closing, z along approach), one each side of the
   * TCP; grasp planning and the width sensor use this, so it must match the finger geometry.
   */
  pad: { width: number; thickness: number; length: number; centerZ: number };
}

export interface RobotModel {
  name: string;
  links: RobotLink[];
  joints: RobotJoint[];
  baseLink: string;
  /** the controlled joints, base to tip, in the order joint vectors use */
  armJoints: string[];
  tcpLink: string;
  /**
   * TCP frame in `tcpLink`'s frame. Convention for every robot: z points out of the gripper (the approach
   * direction), y is the fingers' closing axis, x = y × z.
   */
  tcpOffset: Pose;
  gripper?: GripperModel;
  /** a comfortable start configuration (arm joints) */
  home: number[];
  /** per arm joint, rad/s²; URDF has none, so planners fall back to a default */
  accelerationLimits?: number[];
}

export function jointByName(model: RobotModel, name: string): RobotJoint {
  const j = model.joints.find((x) => x.name === name);
  if (!j) throw new Error(`robot '${model.name}' has no joint '${name}'`);
  return j;
}

/** Joints from the base link down to `link`, in order (fixed ones included). */
export function chainTo(model: RobotModel, link: string): RobotJoint[] {
  const byChild = new Map(model.joints.map((j) => [j.child, j]));
  const out: RobotJoint[] = [];
  let at = link;
  const seen = new Set<string>();
  while (at !== model.baseLink) {
    const j = byChild.get(at);
    if (!j) throw new Error(`robot '${model.name}': link '${link}' is not connected to base link '${model.baseLink}'`);
    if (seen.has(at)) throw new Error(`robot '${model.name}': joint loop at '${at}'`);
    seen.add(at);
    out.push(j);
    at = j.parent;
  }
  return out.reverse();
}

/** Checks the model hangs together: one tree, arm joints on the TCP chain, home within limits. */
export function validateRobotModel(model: RobotModel): void {
  const names = new Set(model.links.map((l) => l.name));
  if (!names.has(model.baseLink)) throw new Error(`robot '${model.name}': base link '${model.baseLink}' is missing`);
  const children = new Set<string>();
  for (const j of model.joints) {
    if (!names.has(j.parent) || !names.has(j.child)) throw new Error(`robot '${model.name}': joint '${j.name}' names a missing link`);
    if (children.has(j.child)) throw new Error(`robot '${model.name}': link '${j.child}' has two parent joints`);
    children.add(j.child);
  }
  const chain = chainTo(model, model.tcpLink).map((j) => j.name);
  for (const a of model.armJoints) {
    if (!chain.includes(a)) throw new Error(`robot '${model.name}': arm joint '${a}' is not between base and TCP`);
    if (jointByName(model, a).type === 'fixed') throw new Error(`robot '${model.name}': arm joint '${a}' is fixed`);
  }
  if (model.home.length !== model.armJoints.length) throw new Error(`robot '${model.name}': home has ${model.home.length} values for ${model.armJoints.length} joints`);
  model.armJoints.forEach((a, i) => {
    const l = jointByName(model, a).limit;
    if (model.home[i] < l.lower - 1e-9 || model.home[i] > l.upper + 1e-9) throw new Error(`robot '${model.name}': home of '${a}' is outside its limits`);
  });
  for (const f of model.gripper?.fingerJoints ?? []) {
    if (jointByName(model, f).type !== 'prismatic') throw new Error(`robot '${model.name}': finger joint '${f}' is not prismatic`);
  }
}
