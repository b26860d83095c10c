// Scripted pick-and-place in physics with a real arm: task choice, grasp planning, phased motion (pre-grasp,
// approach, close, lift, transport, pre-place, place, release, retreat; or pre-push, approach, push, retreat for
// pushes), the object held by finger friction alone, slip and disturbance watched every physics step, success
// judged from the final physics state. Every failure ends the attempt with its reason and keeps the recording.
import type { RobotName } from '../../assets/robots/index.js';
import { ROBOT_STATIONS, robotModel, type RobotStation } from '../../assets/robots/index.js';
import type { BuildConfig } from '../../schemas/config.js';
import type { Mat4, Pose, Vec3 } from '../../core/math.js';
import { PhysicsWorld } from '../physics/world.js';
import type { Rng } from '../../core/random.js';
import { GRASP_PREDICTION_DISTANCE, armPhysicsOptions } from '../robot/contacts.js';
import { RobotExecutor } from '../robot/executor.js';
import { Kinematics } from '../robot/kinematics.js';
import type { RobotModel } from '../../core/robot-model.js';
import { DEFAULT_LIMITS, type MotionLimits, planCartesian, planJoint } from '../robot/motion.js';
import { inflate, objectObb, obbOverlap, toLocal } from '../robot/obb.js';
import { RobotRig, mountUnder } from '../robot/rig.js';
import { refineIk, solveIk } from '../robot/ik.js';
import { PUSHER_ID, type Scene, type SceneObject, TABLE_HALF } from '../../core/scene.js';
import { type ChosenTask, chooseTask, pushFrame, safeHeight, shifted } from './pick-place-choose.js';
import { alongApproach, raised } from './grasp-planner.js';
import { carryHeight, placeTarget } from './pick-place-plan.js';
import { nameableFromRobot, taskSentences } from '../language/task-language.js';
import { TASK_PRIMITIVES, type TaskPrimitive, type TaskSpec, evaluateTask } from './pick-place-tasks.js';
import { zRange } from '../scene/geometry.js';
import { type EpisodeRecording, snapshotPoses } from './recording.js';

export interface PickPlaceOptions {
  /** task kinds to draw from (default: all) */
  tasks?: readonly TaskPrimitive[];
  /** robot base in the world (default: per robot, at the table's −x edge facing +x) */
  base?: Pose;
  /** pick succeeds when the object rises this much, metres */
  liftHeight?: number;
  /** move_near succeeds when the gap is below this, metres */
  nearDistance?: number;
  /** an attempt running longer than this fails with 'timeout', seconds */
  maxSeconds?: number;
  /** held object moving this far in the TCP frame fails with 'grasp slipped', metres */
  slipThreshold?: number;
  limits?: MotionLimits;
  /** largest contact-normal angle a grasp may have, radians (default 15°; wider admits wedge grasps that slip) */
  maxContactAngle?: number;
}

export interface PickPlaceRecording extends EpisodeRecording {
  robot: string;
  taskSpec: TaskSpec | null;
  /** the state step 0 starts from; a replay rebuilds physics from it */
  initial: { poses: Record<number, Pose>; q: number[]; opening: number };
}

const APPROACH = 0.1;

export function robotBase(model: RobotModel, base?: Pose): Pose {
  const station = (ROBOT_STATIONS as Record<string, RobotStation | undefined>)[model.name];
  return base ?? { position: [...(station?.base ?? [-0.45, 0, 0])] as Vec3, quaternion: [0, 0, 0, 1] };
}

/** Takes the pusher out, puts the robot's links in (ids from 100) at home with the gripper open, on its mount if raised. */
export function addRobotToScene(scene: Scene, model: RobotModel, base: Pose): RobotRig {
  const rig = new RobotRig(new Kinematics(model), base);
  scene.objects = scene.objects.filter((o) => o.id !== PUSHER_ID && o.category !== 'robot');
  rig.place(model.home, model.gripper?.maxOpening ?? 0);
  scene.objects.push(...rig.objects);
  const mount = mountUnder(rig, scene.tableTopZ);
  if (mount) scene.objects.push(mount);
  return rig;
}

function rigTcp(e: RobotExecutor, q: number[]): Mat4 {
  return e.rig.tcpWorldMatrix(q);
}

class Attempt {
  holding: { ref: Vec3 } | null = null;
  private lastSpeed = 0;
  /** objects the arm has come within 1.5 cm of */
  private readonly touched = new Set<number>();
  readonly start: Record<number, Pose>;
  readonly x: SceneObject;

  constructor(
    readonly exec: RobotExecutor,
    readonly spec: TaskSpec,
    readonly opts: Required<Omit<PickPlaceOptions, 'tasks' | 'base' | 'maxContactAngle'>>,
  ) {
    this.start = snapshotPoses(exec.scene);
    this.x = exec.scene.objects.find((o) => o.id === spec.objectId)!;
  }

  /** Checked after every physics step: time, slip of the held object, objects the arm disturbed. */
  monitor = (e: RobotExecutor): string | null => {
    if (e.time > this.opts.maxSeconds) return 'timeout';
    if (this.holding) {
      const rel = toLocal(e.tcpWorld(), this.x.pose.position);
      const r = this.holding.ref;
      if (Math.hypot(rel[0] - r[0], rel[1] - r[1], rel[2] - r[2]) > this.opts.slipThreshold) return 'grasp slipped';
    }
    if (e.stepIndex % 8 !== 0) return null;
    // only what the arm came near can be the arm's doing (a ball or a capsule may roll off on its own)
    const parts = e.rig.partBoxes(e.q, e.gripper.opening).map((p) => inflate(p.obb, 0.015));
    for (const o of e.scene.objects) {
      if (o.body !== 'dynamic' || o.category === 'robot') continue;
      if (!this.touched.has(o.id)) {
        const box = objectObb(o);
        if (parts.some((p) => obbOverlap(p, box))) this.touched.add(o.id);
        else continue;
      }
      const s = this.start[o.id].position;
      const moved = Math.hypot(o.pose.position[0] - s[0], o.pose.position[1] - s[1], o.pose.position[2] - s[2]);
      if (o.id === this.x.id) {
        if (!this.holding && e.phase !== 'push' && e.phase !== 'release' && e.phase !== 'retreat' && moved > 0.02 && !e.gripper.closed) return `collision: the gripper pushed the ${o.name} before grasping`;
      } else if (moved > 0.03) return `collision: the arm disturbed the ${o.name}`;
    }
    return null;
  };

  joint(q: number[], phase: string): string | null {
    const r = planJoint(this.exec.rig.kin, this.exec.q, q, this.plan());
    return r.ok ? this.exec.run(r.path, phase, this.monitor) : r.reason;
  }

  /**
   * A straight TCP line. With `curvedOk` (moves at the carry height), a line the arm cannot follow within its
   * joint limits (near a singularity) becomes a joint-space move between the same end poses, provided the TCP
   * never dips more than 2 cm below the lower end on the way.
   */
  line(worldTcp: Mat4, phase: string, speed?: number, curvedOk = false): string | null {
    const kin = this.exec.rig.kin;
    const limits = speed ? { ...this.opts.limits, linearSpeed: speed } : this.opts.limits;
    const target = this.exec.rig.toBase(worldTcp);
    const r = planCartesian(kin, this.exec.q, target, { ...this.plan(), limits });
    if (r.ok) return this.exec.run(r.path, phase, this.monitor);
    if (!curvedOk) return r.reason;
    const end = refineIk(kin, target, this.exec.q);
    if (!end.ok) return r.reason;
    const j = planJoint(kin, this.exec.q, end.q, this.plan());
    if (!j.ok) return r.reason;
    const floor = Math.min(this.tcp()[11], worldTcp[11]) - 0.02;
    if (j.path.some((q, k) => k % 12 === 0 && this.exec.rig.tcpWorldMatrix(q)[11] < floor)) return r.reason;
    return this.exec.run(j.path, phase, this.monitor);
  }

  private plan() {
    return { physicsHz: this.exec.physics.hz, tickHz: this.exec.recordHz, limits: this.opts.limits };
  }

  tcp(): Mat4 {
    return this.exec.rig.tcpWorldMatrix(this.exec.q);
  }

  pickAndPlace(c: ChosenTask): string | null {
    const e = this.exec;
    const g = c.grasp!;
    const y = e.scene.objects.find((o) => o.id === this.spec.referenceId);
    // over to the safe height above the pre-grasp in joint space, straight down to the pre-grasp, then in
    const descend = () => (g.qAbove === g.qPre ? null : this.line(rigTcp(this.exec, g.qPre), 'pre-grasp'));
    const why = this.joint(g.qAbove, 'pre-grasp') ?? descend() ?? this.line(g.grasp.tcp, 'approach', 0.2);
    if (why) return why;
    e.setGripper(true);
    if (!e.gripper.grip?.ids.includes(this.x.id)) return 'grasp missed the object';
    const closing = e.hold(e.gripper.remaining() + 0.2, 'close', this.monitor);
    if (closing) return closing;
    this.holding = { ref: toLocal(e.tcpWorld(), this.x.pose.position) };
    const tcpAboveBottom = this.tcp()[11] - zRange(this.x).zmin;
    if (this.spec.primitive === 'pick') {
      return this.line(raised(this.tcp(), Math.max(0.12, this.spec.liftHeight + 0.04)), 'lift') ?? e.hold(0.5, 'lift', this.monitor);
    }
    // re-aim the place from where the object really sits in the hand now
    const place = placeTarget(this.spec, this.x, y, e.scene.tableTopZ, c.spot) ?? c.place!;
    const carry = carryHeight(e.scene.objects, this.x, tcpAboveBottom, place.center[2] - (this.x.pose.position[2] - zRange(this.x).zmin) + 0.05);
    const tcpPlace = shifted(this.tcp(), this.x.pose.position, place.center);
    const above = [...tcpPlace];
    above[11] = Math.max(carry, tcpPlace[11] + 0.04);
    const lifted = raised(this.tcp(), Math.max(0, above[11] - this.tcp()[11]));
    const moving = this.line(lifted, 'lift') ?? this.line(above, 'transport', undefined, true) ?? this.line(raised(tcpPlace, 0.04), 'pre-place') ?? this.line(tcpPlace, 'place', 0.1);
    if (moving) return moving;
    this.holding = null;
    e.setGripper(false);
    // retreat up to the carry height checked when the task was chosen (top and tilted grasps), or back along the approach
    const back = g.grasp.approach !== 'side' ? raised(this.tcp(), Math.max(0.03, above[11] - this.tcp()[11])) : alongApproach(this.tcp(), -APPROACH);
    return e.hold(e.gripper.remaining() + 0.1, 'release', this.monitor) ?? this.line(back, 'retreat') ?? this.settle();
  }

  /** Speed of the task's objects over the last physics step (m/s), from their poses. */
  speedOfTargets(): number {
    return this.lastSpeed;
  }

  /** Holds still until the objects the task is about stop moving (at most 1.5 s), so success is judged at rest. */
  settle(): string | null {
    const e = this.exec;
    const ids = [this.spec.objectId, ...(this.spec.referenceId !== undefined ? [this.spec.referenceId] : [])];
    const objs = e.scene.objects.filter((o) => ids.includes(o.id));
    for (let k = 0; k < 15; k++) {
      const before = objs.map((o) => [...o.pose.position]);
      const why = e.hold(0.1, 'retreat', this.monitor);
      if (why) return why;
      const moved = Math.max(...objs.map((o, i) => Math.hypot(o.pose.position[0] - before[i][0], o.pose.position[1] - before[i][1], o.pose.position[2] - before[i][2])));
      this.lastSpeed = moved / 0.1;
      if (k >= 2 && moved < 0.001) break;
    }
    return null;
  }

  push(c: ChosenTask): string | null {
    const e = this.exec;
    const p = c.push!;
    const start = pushFrame(p.dir, p.start);
    e.setGripper(true); // fingers closed: a paddle
    const pre = solveIk(e.rig.kin, e.rig.toBase(raised(start, Math.max(0.1, safeHeight(e.scene) - start[11]))), { posture: e.rig.kin.model.home });
    if (!pre.ok) return pre.reason;
    return this.joint(pre.q, 'pre-push') ?? this.line(start, 'approach', 0.2) ?? this.line(pushFrame(p.dir, p.end), 'push', 0.1)
      ?? this.line(raised(this.tcp(), 0.1), 'retreat') ?? this.settle();
  }
}

export async function recordPickPlaceDemo(scene: Scene, config: BuildConfig, rng: Rng, robot: RobotModel | RobotName, options: PickPlaceOptions = {}): Promise<PickPlaceRecording> {
  const model = typeof robot === 'string' ? robotModel(robot) : robot;
  const rig = addRobotToScene(scene, model, robotBase(model, options.base));
  const opts = {
    liftHeight: options.liftHeight ?? 0.08, nearDistance: options.nearDistance ?? 0.05, maxSeconds: options.maxSeconds ?? 40,
    slipThreshold: options.slipThreshold ?? 0.02, limits: options.limits ?? DEFAULT_LIMITS,
  };
  // settle, then start the attempt from a fresh world built from the settled poses: a replay rebuilds exactly this
  const settling = await PhysicsWorld.create(scene, { hz: config.physics.hz, predictionDistance: GRASP_PREDICTION_DISTANCE });
  settling.settle(config.physics.settle_s);
  settling.free();
  const physics = await PhysicsWorld.create(scene, armPhysicsOptions(config.physics.hz));
  try {
    const exec = new RobotExecutor(scene, physics, rig, model.home, config.recording.hz);
    const initial = { poses: snapshotPoses(scene), q: [...model.home], opening: exec.gripper.opening };
    const chosen = chooseTask(scene, rig, exec.q, rng.fork('task'), {
      primitives: options.tasks ?? TASK_PRIMITIVES, liftHeight: opts.liftHeight, nearDistance: opts.nearDistance, approachDistance: APPROACH,
      area: config.scene.area, tableHalf: TABLE_HALF, maxContactAngle: options.maxContactAngle,
      nameable: nameableFromRobot(scene, rig.basePose),
    });
    const base = {
      robot: model.name, robotBase: rig.basePose, hz: config.recording.hz, initial,
    };
    if ('failure' in chosen) {
      return { ...base, task: null, instruction: '', spatialPrompt: '', language: null, targetIds: [], taskSpec: null, steps: exec.finish(), success: false, failureReason: chosen.failure, graspPoint3d: null, placePoint3d: null };
    }
    const targetIds = [chosen.spec.objectId, ...(chosen.spec.referenceId !== undefined ? [chosen.spec.referenceId] : [])];
    // said as the scene stands now, before the attempt moves anything; the chooser kept only nameable objects
    const byId = (id: number) => scene.objects.find((o) => o.id === id)!;
    const text = taskSentences(scene, rig.basePose, {
      task: chosen.spec.primitive, x: byId(chosen.spec.objectId),
      ...(chosen.spec.referenceId !== undefined ? { y: byId(chosen.spec.referenceId) } : {}),
      ...(chosen.spec.region ? { region: chosen.spec.region.name } : {}),
    }, config.language.phrasings, rng.fork('language'))!;
    // the object handled; a receptacle may sleep (a bowl's many convex parts on the table cost most) until X lands in it
    physics.keepAwake([chosen.spec.objectId]);
    const attempt = new Attempt(exec, chosen.spec, opts);
    const why = chosen.spec.primitive === 'push_to' ? attempt.push(chosen) : attempt.pickAndPlace(chosen);
    const outcome = why ? { success: false, reason: why } : evaluateTask(scene, chosen.spec, attempt.start, attempt.speedOfTargets());
    const contacts = chosen.grasp?.grasp.contacts;
    const pushEnd = chosen.push ? [chosen.push.end[0], chosen.push.end[1], scene.tableTopZ] : null;
    return {
      ...base,
      task: chosen.spec.primitive, instruction: text.instruction, spatialPrompt: text.spatialPrompt, language: text.language,
      targetIds,
      taskSpec: chosen.spec, steps: exec.finish(), success: outcome.success, failureReason: outcome.reason,
      graspPoint3d: contacts ? (contacts[0].map((v, i) => (v + contacts[1][i]) / 2) as [number, number, number]) : null,
      placePoint3d: (chosen.place?.point ?? pushEnd ?? null) as [number, number, number] | null,
    };
  } finally {
    physics.free();
  }
}

