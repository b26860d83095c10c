// URDF import: links with visual and collision geometry (box, cylinder, sphere, mesh: OBJ/STL/glTF), joints
// (revolute, continuous, prismatic, fixed) with origins, axes, limits and mimics, materials by name. The result is
// a RobotModel like the built-in ones. What URDF does not say — which link is the TCP, which joints are the arm,
// what the gripper is — comes from options or is inferred (longest chain; two prismatic leaf joints under one
// link are a parallel gripper).
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Pose, Vec3 } from '../../core/math.js';
import type { GripperModel, JointType, LinkGeometry, RobotJoint, RobotLink, RobotModel } from '../../core/robot-model.js';
import { chainTo, validateRobotModel } from '../../core/robot-model.js';
import type { Material, Shape } from '../../core/scene.js';
import { pose } from './build.js';
import { type TriangleMesh, loadMesh } from './meshes.js';
import { type XmlElement, child, childrenNamed, parseXml } from './xml.js';
import { fsCause } from '../../core/errors.js';

export interface UrdfOptions {
  /** directories of ROS packages for package://NAME/… URIs; package://dir/… with no such package resolves against the URDF's folder */
  packages?: Record<string, string>;
  tcpLink?: string;
  tcpOffset?: Pose;
  armJoints?: string[];
  gripper?: GripperModel | null;
  home?: number[];
  /** false: mesh geometry is left out (kinematics only, no files read) */
  loadMeshes?: boolean;
}

export class UrdfError extends Error {
  override name = 'UrdfError';
}

const DEFAULT_MATERIAL: Material = { colorName: 'gray', rgb: [0.6, 0.6, 0.62], roughness: 0.5, metalness: 0.1 };

function nums(s: string | undefined, n: number, fallback: number[], what: string): number[] {
  if (s === undefined) return fallback;
  const v = s.trim().split(/\s+/).map(Number);
  if (v.length !== n || !v.every(Number.isFinite)) throw new UrdfError(`${what}: expected ${n} numbers, got '${s}'`);
  return v;
}

function parseOrigin(el: XmlElement | undefined, what: string): Pose {
  if (!el) return pose([0, 0, 0]);
  return pose(nums(el.attrs.xyz, 3, [0, 0, 0], `${what} origin xyz`) as Vec3, nums(el.attrs.rpy, 3, [0, 0, 0], `${what} origin rpy`) as Vec3);
}

function parseMaterial(el: XmlElement | undefined, named: Map<string, Material>): Material | undefined {
  if (!el) return undefined;
  const color = child(el, 'color');
  if (color) {
    const rgba = nums(color.attrs.rgba, 4, [0.6, 0.6, 0.6, 1], `material ${el.attrs.name ?? ''}`);
    const m: Material = { colorName: el.attrs.name || 'gray', rgb: [rgba[0], rgba[1], rgba[2]], roughness: 0.5, metalness: 0.1 };
    if (el.attrs.name) named.set(el.attrs.name, m);
    return m;
  }
  return el.attrs.name ? named.get(el.attrs.name) : undefined;
}

function resolveUri(uri: string, baseDir: string, packages: Record<string, string>): string {
  if (uri.startsWith('package://')) {
    const rest = uri.slice('package://'.length);
    const slash = rest.indexOf('/');
    const pkg = slash < 0 ? rest : rest.slice(0, slash);
    if (packages[pkg]) return resolve(packages[pkg], rest.slice(slash + 1));
    return resolve(baseDir, rest); // "package://meshes/x.obj" with no package name: relative to the URDF
  }
  if (uri.startsWith('file://')) return uri.slice('file://'.length);
  return isAbsolute(uri) ? uri : resolve(baseDir, uri);
}

async function parseGeometry(el: XmlElement, what: string, ctx: { baseDir: string; opts: UrdfOptions; cache: Map<string, Promise<TriangleMesh>> }): Promise<Shape | null> {
  const g = child(el, 'geometry');
  const kind = g?.children[0];
  if (!kind) throw new UrdfError(`${what}: <geometry> is empty`);
  switch (kind.name) {
    case 'box':
      return { kind: 'box', size: nums(kind.attrs.size, 3, [], `${what} box size`) as Vec3 };
    case 'cylinder':
      return { kind: 'cylinder', radius: nums(kind.attrs.radius, 1, [], `${what} radius`)[0], height: nums(kind.attrs.length, 1, [], `${what} length`)[0] };
    case 'sphere':
      return { kind: 'sphere', radius: nums(kind.attrs.radius, 1, [], `${what} radius`)[0] };
    case 'capsule':
      return { kind: 'capsule', radius: nums(kind.attrs.radius, 1, [], `${what} radius`)[0], height: nums(kind.attrs.length, 1, [], `${what} length`)[0] };
    case 'mesh': {
      if (ctx.opts.loadMeshes === false) return null;
      if (!kind.attrs.filename) throw new UrdfError(`${what}: <mesh> without filename`);
      const file = resolveUri(kind.attrs.filename, ctx.baseDir, ctx.opts.packages ?? {});
      const scale = nums(kind.attrs.scale, 3, [1, 1, 1], `${what} mesh scale`);
      if (!ctx.cache.has(file)) ctx.cache.set(file, loadMesh(file));
      let mesh: TriangleMesh;
      try {
        mesh = await ctx.cache.get(file)!;
      } catch (e) {
        throw new UrdfError(`${what}: cannot load mesh ${file}: ${(e as Error).message}`);
      }
      const positions = new Float32Array(mesh.positions.length);
      for (let i = 0; i < positions.length; i++) positions[i] = mesh.positions[i] * scale[i % 3];
      return { kind: 'mesh', positions, indices: mesh.indices };
    }
    default:
      throw new UrdfError(`${what}: unsupported geometry <${kind.name}>`);
  }
}

const JOINT_TYPES = new Set<JointType>(['revolute', 'continuous', 'prismatic', 'fixed']);

function parseJoint(el: XmlElement): RobotJoint {
  const name = el.attrs.name;
  if (!name) throw new UrdfError('a <joint> has no name');
  const type = el.attrs.type as JointType;
  if (!JOINT_TYPES.has(type)) throw new UrdfError(`joint '${name}': unsupported type '${el.attrs.type}' (revolute, continuous, prismatic, fixed)`);
  const parent = child(el, 'parent')?.attrs.link;
  const childLink = child(el, 'child')?.attrs.link;
  if (!parent || !childLink) throw new UrdfError(`joint '${name}': needs <parent link> and <child link>`);
  const axis = nums(child(el, 'axis')?.attrs.xyz, 3, [1, 0, 0], `joint '${name}' axis`) as Vec3;
  const lim = child(el, 'limit');
  if ((type === 'revolute' || type === 'prismatic') && !lim) throw new UrdfError(`joint '${name}': a ${type} joint needs <limit>`);
  const num = (s: string | undefined, d: number) => (s === undefined ? d : Number(s));
  const limit = type === 'continuous'
    ? { lower: -Infinity, upper: Infinity, velocity: num(lim?.attrs.velocity, 1), effort: num(lim?.attrs.effort, 0) }
    : { lower: num(lim?.attrs.lower, 0), upper: num(lim?.attrs.upper, 0), velocity: num(lim?.attrs.velocity, 1), effort: num(lim?.attrs.effort, 0) };
  if (limit.lower > limit.upper) throw new UrdfError(`joint '${name}': lower limit above upper`);
  const mimic = child(el, 'mimic');
  return {
    name, type, parent, child: childLink, origin: parseOrigin(child(el, 'origin'), `joint '${name}'`), axis, limit,
    mimic: mimic ? { joint: mimic.attrs.joint, multiplier: num(mimic.attrs.multiplier, 1), offset: num(mimic.attrs.offset, 0) } : undefined,
  };
}

/** Two prismatic joints under one link with leaf children: a parallel gripper opening by the sum of their values. */
function inferGripper(joints: RobotJoint[], parentsOfJoints: Set<string>): GripperModel | undefined {
  const fingers = joints.filter((j) => j.type === 'prismatic' && !parentsOfJoints.has(j.child));
  for (const a of fingers) {
    const b = fingers.find((x) => x !== a && x.parent === a.parent);
    if (b) {
      return {
        fingerJoints: [a.name, b.name], openingToJoint: { scale: 1, offset: 0 }, maxOpening: a.limit.upper + b.limit.upper,
        speed: Math.min(a.limit.velocity, 0.2), pad: { width: 0.02, thickness: 0.01, length: 0.04, centerZ: -0.02 },
      };
    }
  }
  return undefined;
}

export async function parseUrdf(text: string, baseDir: string, opts: UrdfOptions = {}): Promise<RobotModel> {
  const robot = parseXml(text).children.find((c) => c.name === 'robot');
  if (!robot) throw new UrdfError('no <robot> element');
  const named = new Map<string, Material>();
  for (const m of childrenNamed(robot, 'material')) parseMaterial(m, named);
  // structure first (cheap, and its errors are the likelier ones), meshes after
  const joints = childrenNamed(robot, 'joint').map(parseJoint);
  const ctx = { baseDir, opts, cache: new Map<string, Promise<TriangleMesh>>() };
  const links: RobotLink[] = [];
  for (const l of childrenNamed(robot, 'link')) {
    const name = l.attrs.name;
    if (!name) throw new UrdfError('a <link> has no name');
    const geoms = async (tag: 'visual' | 'collision') => {
      const out: LinkGeometry[] = [];
      for (const [k, g] of childrenNamed(l, tag).entries()) {
        const what = `link '${name}' ${tag} ${k}`;
        const shape = await parseGeometry(g, what, ctx);
        if (shape) out.push({ origin: parseOrigin(child(g, 'origin'), what), shape, material: parseMaterial(child(g, 'material'), named) ?? DEFAULT_MATERIAL });
      }
      return out;
    };
    links.push({ name, visuals: await geoms('visual'), collisions: await geoms('collision') });
  }
  const children = new Set(joints.map((j) => j.child));
  const roots = links.filter((l) => !children.has(l.name));
  if (roots.length !== 1) throw new UrdfError(`expected one root link, found ${roots.length} (${roots.map((r) => r.name).join(', ')})`);
  const baseLink = roots[0].name;
  const parentsOfJoints = new Set(joints.map((j) => j.parent));
  const gripper = opts.gripper === null ? undefined : (opts.gripper ?? inferGripper(joints, parentsOfJoints));
  const fingerSet = new Set(gripper?.fingerJoints ?? []);
  const partial = { name: robot.attrs.name ?? 'robot', links, joints, baseLink } as RobotModel;
  const movable = (link: string) => chainTo(partial, link).filter((j) => j.type !== 'fixed' && !fingerSet.has(j.name));
  let tcpLink = opts.tcpLink;
  if (!tcpLink) {
    // the leaf with the most arm joints above it, finger links excluded
    const leaves = links.filter((l) => !parentsOfJoints.has(l.name) && l.name !== baseLink && !joints.some((j) => j.child === l.name && fingerSet.has(j.name)));
    tcpLink = leaves.reduce<string | undefined>((best, l) => (!best || movable(l.name).length > movable(best).length ? l.name : best), undefined) ?? baseLink;
  }
  if (!links.some((l) => l.name === tcpLink)) throw new UrdfError(`TCP link '${tcpLink}' is not in the URDF`);
  const armJoints = opts.armJoints ?? movable(tcpLink).map((j) => j.name);
  const home = opts.home ?? armJoints.map((a) => {
    const l = joints.find((j) => j.name === a)!.limit;
    return l.lower <= 0 && l.upper >= 0 ? 0 : (l.lower + l.upper) / 2;
  });
  const model: RobotModel = { ...partial, armJoints, tcpLink, tcpOffset: opts.tcpOffset ?? pose([0, 0, 0]), gripper, home };
  try {
    validateRobotModel(model);
  } catch (e) {
    throw new UrdfError((e as Error).message);
  }
  return model;
}

export async function loadUrdf(path: string, opts: UrdfOptions = {}): Promise<RobotModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UrdfError(`${path}: cannot read (${fsCause(e)})`);
  }
  return parseUrdf(text, dirname(path), opts);
}
