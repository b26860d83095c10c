// Robots (issue 4): the Panda and WidowX 250 models against published poses, IK round trips, limits and
// failures, and URDF import (a URDF the test writes, with OBJ/STL/glTF meshes; the bullet3 Panda fixture).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Document, NodeIO } from '@gltf-transform/core';
import { robotModel } from '../assets/robots/index.js';
import { parseObj, parseStl } from '../assets/robots/meshes.js';
import { PANDA_LIMITS } from '../assets/robots/panda.js';
import { UrdfError, loadUrdf } from '../assets/robots/urdf.js';
import { Rng } from '../core/random.js';
import { rotationError, mat4Rotation } from '../core/frames.js';
import { solveIk } from '../generators/robot/ik.js';
import { Kinematics } from '../generators/robot/kinematics.js';
import { RobotRig } from '../generators/robot/rig.js';
import { FIRST_ROBOT_LINK_ID } from '../core/scene.js';
import { fixture } from './helpers/fixtures.js';

const PANDA_FIXTURE = fixture('robots', 'franka_panda', 'panda.urdf');

function close(a: number[], b: number[], tol: number, what: string) {
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol, `${what}[${i}]: ${v} vs ${b[i]}`));
}

describe('forward kinematics against published poses', () => {
  test('Panda: flange at (0.088, 0, 0.926) at q = 0 (FCI docs), hand TCP 0.1034 below it', () => {
    const kin = new Kinematics(robotModel('panda'));
    const tcp = kin.tcp([0, 0, 0, 0, 0, 0, 0]);
    close([tcp[3], tcp[7], tcp[11]], [0.088, 0, 0.926 - 0.1034], 1e-9, 'tcp');
    // pointing down: TCP z axis is −z of the base
    close([tcp[2], tcp[6], tcp[10]], [0, 0, -1], 1e-9, 'approach');
  });

  test("Panda: the 'ready' pose puts the hand TCP at (0.3069, 0, 0.4869), pointing down", () => {
    const kin = new Kinematics(robotModel('panda'));
    const tcp = kin.tcp([0, -Math.PI / 4, 0, (-3 * Math.PI) / 4, 0, Math.PI / 2, Math.PI / 4]);
    close([tcp[3], tcp[7], tcp[11]], [0.3069, 0, 0.4869], 1e-4, 'tcp');
    close([tcp[2], tcp[6], tcp[10]], [0, 0, -1], 1e-9, 'approach');
  });

  test('WidowX 250 6DOF: zero pose matches the vendor home matrix M (ee_gripper at x 0.458325, z 0.36065)', () => {
    const kin = new Kinematics(robotModel('widowx250'));
    const tcp = kin.tcp([0, 0, 0, 0, 0, 0]);
    close([tcp[3], tcp[7], tcp[11]], [0.458325, 0, 0.36065], 1e-9, 'tcp');
    // our TCP convention: z out of the gripper = the vendor frame's x
    close([tcp[2], tcp[6], tcp[10]], [1, 0, 0], 1e-9, 'approach');
  });

  test('both embodiments: limits from the published tables, a gripper, and a TCP with z pointing out of the hand', () => {
    const panda = robotModel('panda');
    assert.deepEqual(panda.joints.slice(0, 7).map((j) => j.limit.lower), PANDA_LIMITS.lower);
    for (const name of ['panda', 'widowx250'] as const) {
      const kin = new Kinematics(robotModel(name));
      const g = kin.model.gripper!;
      assert.ok(g.maxOpening > 0.07 && g.fingerJoints.length === 2, name);
      // the TCP lies ahead of the last joint along its own z axis
      const links = kin.linkTransforms(kin.model.home);
      const lastJoint = kin.model.joints.find((j) => j.name === kin.model.armJoints.at(-1))!;
      const wrist = links[kin.linkIndex(lastJoint.child)];
      const tcp = kin.tcp(kin.model.home);
      const d = [tcp[3] - wrist[3], tcp[7] - wrist[7], tcp[11] - wrist[11]];
      assert.ok(d[0] * tcp[2] + d[1] * tcp[6] + d[2] * tcp[10] > 0.05, `${name}: TCP ahead of the wrist`);
    }
  });

  test('the rig shows every link as a kinematic, unannotated scene object with ids from 100', () => {
    for (const name of ['panda', 'widowx250'] as const) {
      const rig = new RobotRig(new Kinematics(robotModel(name)), { position: [-0.4, 0, 0], quaternion: [0, 0, 0, 1] });
      assert.ok(rig.objects.length >= 9, `${name}: ${rig.objects.length} parts`);
      rig.objects.forEach((o, i) => {
        assert.equal(o.id, FIRST_ROBOT_LINK_ID + i);
        assert.equal(o.body, 'kinematic');
        assert.equal(o.annotated, false);
      });
      assert.equal(rig.fingerIds.length, 2);
    }
  });
});

describe('inverse kinematics', () => {
  for (const name of ['panda', 'widowx250'] as const) {
    test(`${name}: round-trips FK of random configurations, within limits, to 0.1 mm and 0.06°`, () => {
      const kin = new Kinematics(robotModel(name));
      const rng = new Rng(7);
      let ok = 0;
      const n = 40;
      for (let k = 0; k < n; k++) {
        // the inner 80 % of each range: poses at the very limits are a fair miss for a local method
        const q = kin.lower.map((lo, i) => lo + (kin.upper[i] - lo) * rng.uniform(0.1, 0.9));
        const target = kin.tcp(q);
        const r = solveIk(kin, target, { rng: new Rng(k) });
        if (!r.ok) continue;
        ok++;
        assert.ok(kin.withinLimits(r.q), 'solution within limits');
        const got = kin.tcp(r.q);
        assert.ok(Math.hypot(got[3] - target[3], got[7] - target[7], got[11] - target[11]) <= 1e-4);
        assert.ok(Math.hypot(...rotationError(mat4Rotation(target), mat4Rotation(got))) <= 1e-3);
      }
      assert.ok(ok >= 0.9 * n, `${ok}/${n} solved`);
    });

    test(`${name}: reports failure with a reason for an unreachable pose`, () => {
      const kin = new Kinematics(robotModel(name));
      const far = kin.tcp(kin.model.home);
      far[3] += 1.5;
      const r = solveIk(kin, far, { restarts: 3 });
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.reason : '', /no IK solution within joint limits \(closest: \d+\.\d cm/);
    });
  }

  test('respects joint limits even where the unconstrained optimum lies beyond them', () => {
    const kin = new Kinematics(robotModel('panda'));
    // q4 (elbow) may not straighten past −0.0698: a fully stretched arm is out of reach within limits
    const stretched = kin.tcp([0, 0, 0, 0, 0, Math.PI / 2, 0]);
    const r = solveIk(kin, stretched, { restarts: 4 });
    assert.ok(kin.withinLimits(r.q));
    if (r.ok) assert.ok(r.q[3] <= -0.0698 + 1e-9);
  });
});

describe('URDF import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'urdf-'));
  // a quad with an n-gon face, a missing .mtl and a Windows texture path, as robot OBJs come
  mkdirSync(join(dir, 'meshes'));
  writeFileSync(join(dir, 'meshes', 'plate.obj'), 'mtllib missing.mtl\nusemtl C:\\textures\\steel.png\nv 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 0.5 1.5 0\nf 1 2 3 5 4\n');
  // ASCII STL: one triangle; binary STL: one triangle
  writeFileSync(join(dir, 'tri.stl'), 'solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 10 0 0\nvertex 0 10 0\nendloop\nendfacet\nendsolid t\n');
  const bin = Buffer.alloc(84 + 50);
  bin.writeUInt32LE(1, 80);
  [0, 0, 1, 0, 0, 0, 20, 0, 0, 0, 20, 0].forEach((v, i) => bin.writeFloatLE(v, 84 + i * 4));
  writeFileSync(join(dir, 'bin.stl'), bin);
  const urdf = (jointType = 'revolute') => `<?xml version="1.0"?>
<robot name="toy">
  <material name="blue"><color rgba="0 0 1 1"/></material>
  <link name="base"><visual><geometry><box size="0.2 0.2 0.1"/></geometry><material name="blue"/></visual></link>
  <link name="upper">
    <visual><origin xyz="0 0 0.15" rpy="0 0 0"/><geometry><cylinder radius="0.03" length="0.3"/></geometry></visual>
    <collision><geometry><mesh filename="package://meshes/plate.obj" scale="0.1 0.1 0.1"/></geometry></collision>
  </link>
  <link name="fore"><visual><geometry><mesh filename="tri.stl" scale="0.001 0.001 0.001"/></geometry></visual>
    <visual><geometry><mesh filename="bin.stl"/></geometry></visual>
    <visual><geometry><mesh filename="part.glb"/></geometry></visual></link>
  <link name="hand"><visual><geometry><sphere radius="0.02"/></geometry></visual></link>
  <link name="finger_l"/><link name="finger_r"/>
  <joint name="shoulder" type="${jointType}"><parent link="base"/><child link="upper"/><origin xyz="0 0 0.1"/><axis xyz="0 1 0"/><limit lower="-1.5" upper="1.5" velocity="2" effort="10"/></joint>
  <joint name="elbow" type="revolute"><parent link="upper"/><child link="fore"/><origin xyz="0 0 0.3"/><axis xyz="0 1 0"/><limit lower="-2" upper="2" velocity="2" effort="5"/></joint>
  <joint name="slide" type="prismatic"><parent link="fore"/><child link="hand"/><origin xyz="0.25 0 0" rpy="0 1.5707963267948966 0"/><axis xyz="0 0 1"/><limit lower="0" upper="0.1" velocity="0.5" effort="5"/></joint>
  <joint name="fl" type="prismatic"><parent link="hand"/><child link="finger_l"/><axis xyz="0 1 0"/><limit lower="0" upper="0.03" velocity="0.1" effort="1"/></joint>
  <joint name="fr" type="prismatic"><parent link="hand"/><child link="finger_r"/><axis xyz="0 -1 0"/><limit lower="0" upper="0.03" velocity="0.1" effort="1"/><mimic joint="fl"/></joint>
</robot>`;

  test('links, joints (revolute, prismatic, fixed), limits, geometry and meshes (OBJ, STL, glTF) load', async () => {
    const doc = new Document();
    const buf = doc.createBuffer();
    const pos = doc.createAccessor().setType('VEC3').setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0])).setBuffer(buf);
    const mesh = doc.createMesh().addPrimitive(doc.createPrimitive().setAttribute('POSITION', pos));
    doc.createScene().addChild(doc.createNode().setMesh(mesh).setTranslation([0, 0, 2]));
    await new NodeIO().write(join(dir, 'part.glb'), doc);
    writeFileSync(join(dir, 'toy.urdf'), urdf());
    const m = await loadUrdf(join(dir, 'toy.urdf'), { tcpLink: 'hand' });
    assert.deepEqual(m.links.map((l) => l.name), ['base', 'upper', 'fore', 'hand', 'finger_l', 'finger_r']);
    assert.equal(m.baseLink, 'base');
    assert.deepEqual(m.armJoints, ['shoulder', 'elbow', 'slide']);
    assert.deepEqual(m.joints.map((j) => j.type), ['revolute', 'revolute', 'prismatic', 'prismatic', 'prismatic']);
    assert.deepEqual(m.joints[0].limit, { lower: -1.5, upper: 1.5, velocity: 2, effort: 10 });
    assert.equal(m.joints[4].mimic?.joint, 'fl');
    // two prismatic leaf fingers under one link: a parallel gripper opening by the sum of their travel
    assert.deepEqual(m.gripper?.fingerJoints, ['fl', 'fr']);
    assert.ok(Math.abs(m.gripper!.maxOpening - 0.06) < 1e-12);
    assert.equal(m.links[0].visuals[0].material?.colorName, 'blue');
    const upper = m.links[1];
    assert.equal(upper.visuals[0].shape.kind, 'cylinder');
    assert.ok(Math.abs(upper.visuals[0].origin.position[2] - 0.15) < 1e-12);
    const plate = upper.collisions[0].shape;
    assert.equal(plate.kind, 'mesh');
    if (plate.kind === 'mesh') {
      assert.equal(plate.indices.length, 9, 'a pentagon fans into three triangles');
      assert.ok(Math.abs(plate.positions[3] - 0.1) < 1e-7, 'scale applied');
    }
    const [ascii, binary, gltf] = m.links[2].visuals.map((v) => v.shape);
    assert.ok(ascii.kind === 'mesh' && Math.abs(ascii.positions[3] - 0.01) < 1e-7, 'ASCII STL, scaled mm → m');
    assert.ok(binary.kind === 'mesh' && binary.positions.length === 9 && binary.positions[3] === 20, 'binary STL');
    assert.ok(gltf.kind === 'mesh' && gltf.positions[2] === 2, 'glTF with its node transform');
    // FK: shoulder at 0.1, upper arm 0.3, forearm 0.25 along x, slide 0.05 along the hand's z (= base x)
    const kin = new Kinematics(m);
    const t = kin.tcp([0, 0, 0.05]);
    close([t[3], t[7], t[11]], [0.3, 0, 0.4], 1e-9, 'tcp');
    const bent = kin.tcp([Math.PI / 2, 0, 0]);
    close([bent[3], bent[7], bent[11]], [0.3, 0, 0.1 - 0.25], 1e-9, 'tcp after a quarter turn of the shoulder');
  });

  test('bad URDFs give one clear error', async () => {
    writeFileSync(join(dir, 'bad.urdf'), urdf('floating'));
    await assert.rejects(loadUrdf(join(dir, 'bad.urdf')), (e: Error) => e instanceof UrdfError && /unsupported type 'floating'/.test(e.message));
    writeFileSync(join(dir, 'nomesh.urdf'), urdf().replace('tri.stl', 'absent.stl'));
    await assert.rejects(loadUrdf(join(dir, 'nomesh.urdf')), /cannot load mesh .*absent\.stl/);
    await assert.rejects(loadUrdf(join(dir, 'nothere.urdf')), /cannot read \(ENOENT\)/);
    assert.throws(() => parseObj('v 0 0 0\nf 1 2 3\n'), /out of range/);
    assert.throws(() => parseStl(new Uint8Array([1, 2, 3])), /neither binary nor ASCII/);
  });

  test('the bullet3 Panda URDF (missing .mtl files, a Windows texture path) loads and matches the DH-built Panda', async () => {
    const m = await loadUrdf(PANDA_FIXTURE, { tcpLink: 'panda_hand' });
    assert.equal(m.armJoints.length, 7);
    assert.deepEqual(m.gripper?.fingerJoints, ['panda_finger_joint1', 'panda_finger_joint2']);
    assert.ok(m.links.find((l) => l.name === 'panda_link6')!.collisions[0].shape.kind === 'mesh');
    const a = new Kinematics(m);
    const b = new Kinematics(robotModel('panda'));
    const rng = new Rng(3);
    for (let k = 0; k < 25; k++) {
      const q = b.lower.map((lo, i) => rng.uniform(lo, b.upper[i]));
      const ta = a.linkTransforms(q, 0.05), tb = b.linkTransforms(q, 0.05);
      for (const link of ['panda_link4', 'panda_hand', 'panda_leftfinger', 'panda_rightfinger']) {
        close(ta[a.linkIndex(link)].slice(0, 12), tb[b.linkIndex(link)].slice(0, 12), 1e-9, link);
      }
    }
  });
});
