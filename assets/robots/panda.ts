// Franka Emika Panda with the Franka Hand, from Franka's published kinematics: the modified (Craig) DH table of the
// FCI documentation, the datasheet's joint position, velocity and acceleration limits, flange at d = 0.107 m, hand
// turned −45° about the flange axis, hand TCP 0.1034 m beyond the flange, fingers 0–40 mm each. Link geometry is
// capsules and boxes sized from the collision meshes of the bullet3 Panda URDF: what collides and what planning
// checks. What is drawn is the arm's real look: the URDF's visual meshes (assets/robots/panda/*.glb, Apache-2.0,
// made by scripts/robot-visuals.ts), white shells and dark joints, in the same link frames (the URDF's link frames are
// the modified DH frames below).
import type { Vec3 } from '../../core/math.js';
import type { LinkGeometry, RobotLink, RobotModel } from '../../core/robot-model.js';
import type { Shape } from '../../core/scene.js';
import { readColoredMesh } from '../import/glb-store.js';
import { shippedFolder } from '../core/paths.js';
import { boxAt, capsuleBetween, cylinderAt, joint, link, material, pose } from './build.js';

/** Modified DH rows (a_{i−1}, d_i, α_{i−1}) for joints 1–7, then the flange (FCI docs, "Robot and interface specifications"). */
export const PANDA_MDH: { a: number; d: number; alpha: number }[] = [
  { a: 0, d: 0.333, alpha: 0 },
  { a: 0, d: 0, alpha: -Math.PI / 2 },
  { a: 0, d: 0.316, alpha: Math.PI / 2 },
  { a: 0.0825, d: 0, alpha: Math.PI / 2 },
  { a: -0.0825, d: 0.384, alpha: -Math.PI / 2 },
  { a: 0, d: 0, alpha: Math.PI / 2 },
  { a: 0.088, d: 0, alpha: Math.PI / 2 },
];
export const PANDA_FLANGE_D = 0.107;
export const PANDA_TCP_FROM_FLANGE = 0.1034;

/** Datasheet limits: q_min, q_max (rad), q̇_max (rad/s), q̈_max (rad/s²). */
export const PANDA_LIMITS = {
  lower: [-2.8973, -1.7628, -2.8973, -3.0718, -2.8973, -0.0175, -2.8973],
  upper: [2.8973, 1.7628, 2.8973, -0.0698, 2.8973, 3.7525, 2.8973],
  velocity: [2.175, 2.175, 2.175, 2.175, 2.61, 2.61, 2.61],
  acceleration: [15, 7.5, 10, 12.5, 15, 20, 20],
};

/** The "ready" pose of Franka's examples: elbow up, hand pointing down. */
export const PANDA_READY = [0, -Math.PI / 4, 0, (-3 * Math.PI) / 4, 0, Math.PI / 2, Math.PI / 4];

/** Joint frame i in frame i−1 for a modified DH row: RotX(α)·TransX(a)·TransZ(d). */
function mdhOrigin(a: number, d: number, alpha: number) {
  return pose([a, -d * Math.sin(alpha), d * Math.cos(alpha)], [alpha, 0, 0]);
}

type MeshShape = Extract<Shape, { kind: 'mesh' }>;
let meshes: Map<string, MeshShape> | null = null;

/** The render meshes, read once per process (≈ 0.5 MB, ~15 000 triangles for the whole arm). */
function pandaMeshes(): Map<string, MeshShape> {
  if (meshes) return meshes;
  meshes = new Map();
  for (const name of ['link0', 'link1', 'link2', 'link3', 'link4', 'link5', 'link6', 'link7', 'hand', 'finger']) {
    meshes.set(name, { kind: 'mesh', ...readColoredMesh(`${shippedFolder('robots/panda/')}${name}.glb`) });
  }
  return meshes;
}

/** The link with its real mesh drawn in place of its (single) primitive; `turn` about z for the right finger's mirror. */
function withLook(l: RobotLink, mesh: string, turn = 0): RobotLink {
  const shell = material('white', [1, 1, 1], 0.4, 0.05);
  const look = { shape: pandaMeshes().get(mesh)!, material: shell, origin: pose([0, 0, 0], [0, 0, turn]) };
  const visuals: LinkGeometry[] = l.visuals.map((g, k) => (k === 0 ? { ...g, look } : g));
  return { ...l, visuals };
}

export function pandaModel(): RobotModel {
  const white = material('white', [0.92, 0.92, 0.93], 0.45, 0.05);
  const grey = material('dark gray', [0.22, 0.22, 0.24], 0.5, 0.2);
  const segments: [string, Vec3, Vec3, number][] = [
    ['panda_link1', [0, 0, -0.19], [0, 0, 0], 0.06],
    ['panda_link2', [0, 0, 0], [0, -0.2, 0], 0.06],
    ['panda_link3', [0, 0, -0.12], [0, 0, 0], 0.055],
    ['panda_link4', [0, 0, 0], [-0.0825, 0.11, 0], 0.055],
    ['panda_link5', [0, 0, -0.26], [0, 0, 0], 0.05],
    ['panda_link6', [0, 0, 0], [0.088, 0, 0], 0.045],
  ];
  const links = [
    withLook(link('panda_link0', [cylinderAt([-0.02, 0, 0.07], 0.08, 0.14, white)]), 'link0'),
    ...segments.map(([name, a, b, r]) => withLook(link(name, [capsuleBetween(a, b, r, name === 'panda_link6' ? grey : white)]), name.replace('panda_', ''))),
    withLook(link('panda_link7', [cylinderAt([0, 0, 0.075], 0.045, 0.064, grey)]), 'link7'),
    link('panda_link8', []),
    // the hand body stops short of the finger joints (z = 0.0584) so it never touches what the fingers hold
    withLook(link('panda_hand', [boxAt([0, 0, 0.025], [0.06, 0.2, 0.06], white)]), 'hand'),
    // finger inner faces lie on their link frames' origin planes, so the opening is exactly q1 + q2
    withLook(link('panda_leftfinger', [boxAt([0, 0.009, 0.027], [0.02, 0.018, 0.054], grey)]), 'finger'),
    withLook(link('panda_rightfinger', [boxAt([0, -0.009, 0.027], [0.02, 0.018, 0.054], grey)]), 'finger', Math.PI),
  ];
  const joints = PANDA_MDH.map((r, i) =>
    joint(`panda_joint${i + 1}`, 'revolute', `panda_link${i}`, `panda_link${i + 1}`, mdhOrigin(r.a, r.d, r.alpha), [0, 0, 1], {
      lower: PANDA_LIMITS.lower[i], upper: PANDA_LIMITS.upper[i], velocity: PANDA_LIMITS.velocity[i], effort: i < 4 ? 87 : 12,
    }),
  );
  joints.push(
    joint('panda_joint8', 'fixed', 'panda_link7', 'panda_link8', pose([0, 0, PANDA_FLANGE_D])),
    joint('panda_hand_joint', 'fixed', 'panda_link8', 'panda_hand', pose([0, 0, 0], [0, 0, -Math.PI / 4])),
    joint('panda_finger_joint1', 'prismatic', 'panda_hand', 'panda_leftfinger', pose([0, 0, 0.0584]), [0, 1, 0], { lower: 0, upper: 0.04, velocity: 0.2, effort: 20 }),
    joint('panda_finger_joint2', 'prismatic', 'panda_hand', 'panda_rightfinger', pose([0, 0, 0.0584]), [0, -1, 0], { lower: 0, upper: 0.04, velocity: 0.2, effort: 20 }),
  );
  return {
    name: 'panda',
    links,
    joints,
    baseLink: 'panda_link0',
    armJoints: joints.slice(0, 7).map((j) => j.name),
    tcpLink: 'panda_hand',
    tcpOffset: pose([0, 0, PANDA_TCP_FROM_FLANGE]),
    gripper: {
      fingerJoints: ['panda_finger_joint1', 'panda_finger_joint2'],
      openingToJoint: { scale: 1, offset: 0 },
      maxOpening: 0.08,
      speed: 0.1,
      // fingers span hand z 0.0584–0.1124, i.e. TCP z −0.045…+0.009
      pad: { width: 0.02, thickness: 0.018, length: 0.054, centerZ: -0.018 },
    },
    home: [...PANDA_READY],
    accelerationLimits: [...PANDA_LIMITS.acceleration],
  };
}
