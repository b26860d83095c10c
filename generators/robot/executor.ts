// Runs a robot in physics and records it. Every physics step the arm links are placed (as kinematic bodies) where
// forward kinematics of the commanded joints puts them and the fingers where the gripper controller has them;
// every control tick the state is recorded *before* stepping, so step k holds what the policy would observe at k
// and the commands in force from k on. Segments start on control ticks, which keeps gripper events on ticks too.
import type { Pose } from '../../core/math.js';
import type { PhysicsWorld } from '../physics/world.js';
import type { Scene } from '../../core/scene.js';
import { type RecordedStep, snapshotPoses } from '../demos/recording.js';
import { GripperController, senseBetweenPads } from './gripper.js';
import type { RobotRig } from './rig.js';

/** Checked after every physics step; a string ends the run as a failure with that reason. */
export type Monitor = (exec: RobotExecutor) => string | null;

export class RobotExecutor {
  q: number[];
  readonly gripper: GripperController;
  readonly steps: RecordedStep[] = [];
  readonly stepsPerTick: number;
  /** physics steps taken */
  stepIndex = 0;
  phase = 'start';

  constructor(
    readonly scene: Scene,
    readonly physics: PhysicsWorld,
    readonly rig: RobotRig,
    q0: number[],
    readonly recordHz: number,
    opening?: number,
  ) {
    const g = rig.kin.model.gripper;
    if (!g) throw new Error(`robot '${rig.kin.model.name}' has no gripper`);
    this.q = [...q0];
    this.gripper = new GripperController(g, opening ?? g.maxOpening);
    this.stepsPerTick = Math.max(1, Math.round(physics.hz / recordHz));
  }

  get dt(): number {
    return 1 / this.physics.hz;
  }

  get time(): number {
    return this.stepIndex / this.physics.hz;
  }

  /** Physics steps in a whole number of control ticks covering `seconds`. */
  stepsFor(seconds: number): number {
    return Math.max(1, Math.ceil((seconds * this.recordHz) - 1e-9)) * this.stepsPerTick;
  }

  tcpWorld(): Pose {
    return this.rig.tcpWorld(this.q);
  }

  /** Opens or closes the gripper now (closing senses what is between the pads at this instant). */
  setGripper(close: boolean): void {
    this.gripper.command(close, () => senseBetweenPads(this.scene.objects, this.rig.tcpWorldMatrix(this.q), this.gripper.model, this.gripper.opening));
  }

  private record(): void {
    // one quaternion sign along the episode: q and −q are the same rotation, but a learner sees a jump
    const tcp = this.tcpWorld();
    const prev = this.steps.at(-1)?.tcp.quaternion;
    const r = tcp.quaternion;
    if (prev && prev[0] * r[0] + prev[1] * r[1] + prev[2] * r[2] + prev[3] * r[3] < 0) tcp.quaternion = [-r[0], -r[1], -r[2], -r[3]];
    this.steps.push({
      time: this.stepIndex / this.physics.hz,
      phase: this.phase,
      poses: snapshotPoses(this.scene),
      tcp,
      gripperClosed: this.gripper.closed,
      gripperOpening: this.gripper.opening,
      jointPositions: [...this.q],
    });
  }

  /** One physics step towards arm configuration `q` (reached at the end of the step). */
  private physicsStep(q: number[]): void {
    if (this.stepIndex % this.stepsPerTick === 0 && this.steps.length === this.stepIndex / this.stepsPerTick) this.record();
    const opening = this.gripper.step(this.dt);
    for (const { id, pose } of this.rig.poses(q, opening)) this.physics.moveKinematic(id, pose.position, pose.quaternion);
    this.physics.step();
    this.q = q;
    this.stepIndex++;
  }

  /** Follows a joint path sampled at the physics rate; stops early with the monitor's reason. */
  run(path: number[][], phase: string, monitor?: Monitor): string | null {
    this.phase = phase;
    for (const q of path) {
      this.physicsStep(q);
      const why = monitor?.(this);
      if (why) return why;
    }
    return null;
  }

  /** Keeps the arm still for a whole number of ticks (the gripper keeps moving towards its target). */
  hold(seconds: number, phase: string, monitor?: Monitor): string | null {
    const n = this.stepsFor(seconds);
    return this.run(Array.from({ length: n }, () => this.q), phase, monitor);
  }

  /** Records the final state (call once at the end; the episode's last step has no action of its own). */
  finish(): RecordedStep[] {
    if (this.steps.length * this.stepsPerTick <= this.stepIndex) this.record();
    return this.steps;
  }
}
