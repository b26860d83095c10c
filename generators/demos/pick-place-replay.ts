// Replay: re-runs a recorded episode from its saved initial state by its SPEC actions alone — per control step,
// the TCP change in the base frame and the binary gripper command — through IK, the same kinematic arm and the
// same gripper controller. Reproducing the outcome this way shows the actions are what moved the world: a policy
// that outputs them would get the same result.
import type { BuildConfig } from '../../schemas/config.js';
import type { Mat4, Pose, Vec3 } from '../../core/math.js';
import { mat3Multiply, poseToMat4 } from '../../core/math.js';
import { PhysicsWorld } from '../physics/world.js';
import { armPhysicsOptions } from '../robot/contacts.js';
import { RobotExecutor } from '../robot/executor.js';
import { eulerXYZToMat3, mat4Multiply } from '../../core/frames.js';
import { refineIk } from '../robot/ik.js';
import { Kinematics } from '../robot/kinematics.js';
import type { RobotModel } from '../../core/robot-model.js';
import { RobotRig } from '../robot/rig.js';
import type { Scene } from '../../core/scene.js';
import type { PickPlaceRecording } from './pick-place.js';
import { type Outcome, evaluateTask } from './pick-place-tasks.js';
import type { RecordedStep } from './recording.js';

export interface ReplayResult extends Outcome {
  steps: RecordedStep[];
  /** largest distance between a commanded and a reached TCP position, metres */
  worstTracking: number;
}

/** The TCP pose after applying one SPEC action (base frame) to `tcp` (base frame). */
export function applyAction(tcp: Mat4, action: readonly number[]): Mat4 {
  const r = [tcp[0], tcp[1], tcp[2], tcp[4], tcp[5], tcp[6], tcp[8], tcp[9], tcp[10]];
  const n = mat3Multiply(eulerXYZToMat3([action[3], action[4], action[5]]), r);
  return [n[0], n[1], n[2], tcp[3] + action[0], n[3], n[4], n[5], tcp[7] + action[1], n[6], n[7], n[8], tcp[11] + action[2], 0, 0, 0, 1];
}

function basePose(base: Pose, world: Pose): Mat4 {
  const b = poseToMat4(base);
  const inv = [b[0], b[4], b[8], -(b[0] * b[3] + b[4] * b[7] + b[8] * b[11]), b[1], b[5], b[9], -(b[1] * b[3] + b[5] * b[7] + b[9] * b[11]), b[2], b[6], b[10], -(b[2] * b[3] + b[6] * b[7] + b[10] * b[11]), 0, 0, 0, 1];
  return mat4Multiply(inv, poseToMat4(world));
}

/**
 * Replays `actions` (one SPEC action row per recorded step) in `scene` (the episode's scene: objects and robot
 * parts; poses are reset to the recording's initial state).
 */
export async function replayActions(scene: Scene, rec: PickPlaceRecording, config: BuildConfig, model: RobotModel, actions: readonly (readonly number[])[]): Promise<ReplayResult> {
  for (const o of scene.objects) {
    const p = rec.initial.poses[o.id];
    if (p) o.pose = { position: [...p.position] as Vec3, quaternion: [...p.quaternion] as Pose['quaternion'] };
  }
  const rig = new RobotRig(new Kinematics(model), rec.robotBase);
  const physics = await PhysicsWorld.create(scene, armPhysicsOptions(config.physics.hz));
  try {
    // as the recording did: the handled object never sleeps
    physics.keepAwake(rec.taskSpec ? [rec.taskSpec.objectId] : []);
    const exec = new RobotExecutor(scene, physics, rig, rec.initial.q, rec.hz, rec.initial.opening);
    let cmd = basePose(rec.robotBase, rec.steps[0].tcp);
    let worst = 0;
    for (let k = 0; k + 1 < rec.steps.length; k++) {
      // the gripper command in force from step k on is the one step k−1's action asked for
      exec.setGripper(k === 0 ? rec.steps[0].gripperClosed : actions[k - 1][6] > 0.5);
      cmd = applyAction(cmd, actions[k]);
      const sol = refineIk(rig.kin, cmd, exec.q, { maxIterations: 60, tolPosition: 1e-6, tolRotation: 1e-5 });
      const q0 = exec.q;
      const n = exec.stepsPerTick;
      const path = Array.from({ length: n }, (_, i) => q0.map((v, j) => v + ((sol.q[j] - v) * (i + 1)) / n));
      exec.phase = rec.steps[k].phase;
      exec.run(path, rec.steps[k].phase);
      const reached = rig.kin.tcp(exec.q);
      worst = Math.max(worst, Math.hypot(reached[3] - cmd[3], reached[7] - cmd[7], reached[11] - cmd[11]));
    }
    const steps = exec.finish();
    const spec = rec.taskSpec;
    if (!spec) return { success: false, reason: rec.failureReason, steps, worstTracking: worst };
    const x = spec.objectId;
    const last = steps.at(-1)!.poses[x].position, prev = steps.at(-2)!.poses[x].position;
    const speed = Math.hypot(last[0] - prev[0], last[1] - prev[1], last[2] - prev[2]) * rec.hz;
    return { ...evaluateTask(scene, spec, rec.initial.poses, speed), steps, worstTracking: worst };
  } finally {
    physics.free();
  }
}

