// Trossen/Interbotix WidowX 250 6DOF ("wx250s", the BridgeData V2 and SimplerEnv robot), from the published
// interbotix_xsarm_descriptions kinematics: joint origins, axes and limits of wx250s.urdf.xacro (waist 0.072,
// shoulder 0.03865, elbow (0.04975, 0, 0.25), forearm roll 0.175, wrist angle 0.075, wrist rotate 0.065, then
// ee_arm 0.043 + finger bar 0.023 + ee_gripper 0.027575 — the home TCP at (0.458325, 0, 0.36065) of the vendor's
// modern_robotics description). Link geometry is primitive (the vendor's STL meshes are not needed to render it).
//
// Fingers: interbotix finger joints travel 0.015–0.037 m from a reference inside the finger; here a finger joint
// is the distance of its pad's inner face from the centre line, 0–0.037 m, so the opening is q_left + q_right and
// the widest opening the same 74 mm.
import type { RobotModel } from '../../core/robot-model.js';
import { boxAt, capsuleBetween, cylinderAt, joint, link, material, pose } from './build.js';

const deg = (d: number) => (d * Math.PI) / 180;
const PI_OFFSET = 0.00001; // the xacro keeps ±π joints just inside ±π

export const WX250S_LIMITS = {
  lower: [-Math.PI + PI_OFFSET, deg(-108), deg(-123), -Math.PI + PI_OFFSET, deg(-100), -Math.PI + PI_OFFSET],
  upper: [Math.PI - PI_OFFSET, deg(114), deg(92), Math.PI - PI_OFFSET, deg(123), Math.PI - PI_OFFSET],
  velocity: [Math.PI, Math.PI, Math.PI, Math.PI, Math.PI, Math.PI],
  // Dynamixel XM servos under the vendor's default profiles: a few rad/s², not a datasheet value
  acceleration: [6, 6, 6, 8, 8, 8],
};

/** Start pose: gripper pointing down 0.2 m ahead of the base and 0.26 m up, clear of anything on the table. */
export const WX250S_HOME = [0, -0.37, 0.14, 0, 1.8, 0];

export function widowx250Model(): RobotModel {
  const black = material('black', [0.08, 0.08, 0.09], 0.55, 0.15);
  const grey = material('gray', [0.35, 0.35, 0.37], 0.5, 0.3);
  const p = 'wx250s/';
  const links = [
    link(`${p}base_link`, [cylinderAt([-0.01, 0, 0.036], 0.055, 0.072, black)]),
    link(`${p}shoulder_link`, [cylinderAt([0, 0, 0.018], 0.04, 0.036, black)]),
    link(`${p}upper_arm_link`, [capsuleBetween([0, 0, 0], [0.04975, 0, 0.25], 0.025, black)]),
    link(`${p}upper_forearm_link`, [capsuleBetween([0, 0, 0], [0.175, 0, 0], 0.022, black)]),
    link(`${p}lower_forearm_link`, [capsuleBetween([0, 0, 0], [0.075, 0, 0], 0.02, grey)]),
    link(`${p}wrist_link`, [capsuleBetween([0, 0, 0], [0.05, 0, 0], 0.02, black)]),
    // gripper body and finger bar, kept behind the fingers' pads (fingers_link is 0.066 ahead of gripper_link)
    link(`${p}gripper_link`, [boxAt([0.03, 0, 0], [0.06, 0.1, 0.035], black)]),
    link(`${p}ee_arm_link`, []),
    link(`${p}fingers_link`, []),
    // pad inner face on the link's origin plane; the finger reaches 0.045 ahead of the bar
    link(`${p}left_finger_link`, [boxAt([0.0175, 0.006, 0], [0.045, 0.012, 0.02], grey)]),
    link(`${p}right_finger_link`, [boxAt([0.0175, -0.006, 0], [0.045, 0.012, 0.02], grey)]),
    link(`${p}ee_gripper_link`, []),
  ];
  const L = WX250S_LIMITS;
  const lim = (i: number) => ({ lower: L.lower[i], upper: L.upper[i], velocity: L.velocity[i], effort: [10, 20, 15, 2, 5, 1][i] });
  const joints = [
    joint('waist', 'revolute', `${p}base_link`, `${p}shoulder_link`, pose([0, 0, 0.072]), [0, 0, 1], lim(0)),
    joint('shoulder', 'revolute', `${p}shoulder_link`, `${p}upper_arm_link`, pose([0, 0, 0.03865]), [0, 1, 0], lim(1)),
    joint('elbow', 'revolute', `${p}upper_arm_link`, `${p}upper_forearm_link`, pose([0.04975, 0, 0.25]), [0, 1, 0], lim(2)),
    joint('forearm_roll', 'revolute', `${p}upper_forearm_link`, `${p}lower_forearm_link`, pose([0.175, 0, 0]), [1, 0, 0], lim(3)),
    joint('wrist_angle', 'revolute', `${p}lower_forearm_link`, `${p}wrist_link`, pose([0.075, 0, 0]), [0, 1, 0], lim(4)),
    joint('wrist_rotate', 'revolute', `${p}wrist_link`, `${p}gripper_link`, pose([0.065, 0, 0]), [1, 0, 0], lim(5)),
    joint('ee_arm', 'fixed', `${p}gripper_link`, `${p}ee_arm_link`, pose([0.043, 0, 0])),
    joint('ee_bar', 'fixed', `${p}ee_arm_link`, `${p}fingers_link`, pose([0.023, 0, 0])),
    joint('left_finger', 'prismatic', `${p}fingers_link`, `${p}left_finger_link`, pose([0, 0, 0]), [0, 1, 0], { lower: 0, upper: 0.037, velocity: 1, effort: 5 }),
    joint('right_finger', 'prismatic', `${p}fingers_link`, `${p}right_finger_link`, pose([0, 0, 0]), [0, -1, 0], { lower: 0, upper: 0.037, velocity: 1, effort: 5 }),
    joint('ee_gripper', 'fixed', `${p}fingers_link`, `${p}ee_gripper_link`, pose([0.027575, 0, 0])),
  ];
  return {
    name: 'widowx250',
    links,
    joints,
    baseLink: `${p}base_link`,
    armJoints: ['waist', 'shoulder', 'elbow', 'forearm_roll', 'wrist_angle', 'wrist_rotate'],
    tcpLink: `${p}ee_gripper_link`,
    // TCP z (approach) along the link's x, y (closing) along its y: a +90° turn about y
    tcpOffset: pose([0, 0, 0], [0, Math.PI / 2, 0]),
    gripper: {
      fingerJoints: ['left_finger', 'right_finger'],
      openingToJoint: { scale: 1, offset: 0 },
      maxOpening: 0.074,
      speed: 0.1,
      // pads span fingers_link x −0.005…0.04, i.e. TCP z −0.0326…+0.0124
      pad: { width: 0.02, thickness: 0.012, length: 0.045, centerZ: -0.0101 },
    },
    home: [...WX250S_HOME],
    accelerationLimits: [...WX250S_LIMITS.acceleration],
  };
}
