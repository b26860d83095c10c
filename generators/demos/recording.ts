// What a scripted demo leaves behind: the state at every control step, from which frames are rendered and
// stage-2 rows are written. Physics poses are copied, so rendering can run after (or apart from) simulation.
import type { Pose } from '../../core/math.js';
import type { Scene } from '../../core/scene.js';
import type { EpisodeLanguage } from '../../schemas/records.js';

export interface RecordedStep {
  time: number;
  phase: string;
  /** world pose of every non-fixed object, by object id */
  poses: Record<number, Pose>;
  /** tool-centre point in the world frame */
  tcp: Pose;
  gripperClosed: boolean;
  /** gripper opening, metres (0 for tools without a gripper) */
  gripperOpening: number;
  jointPositions: number[];
}

export interface EpisodeRecording {
  /** the task primitive attempted; null when no task was feasible */
  task: string | null;
  instruction: string;
  spatialPrompt: string;
  /** which phrasings made the sentences and what they call each object; null when no task was chosen */
  language: EpisodeLanguage | null;
  /** the objects the instruction is about, first = the manipulated one */
  targetIds: number[];
  /** the robot base frame in the world */
  robotBase: Pose;
  hz: number;
  steps: RecordedStep[];
  success: boolean;
  failureReason: string | null;
  graspPoint3d: [number, number, number] | null;
  placePoint3d: [number, number, number] | null;
}

export function snapshotPoses(scene: Scene): Record<number, Pose> {
  const out: Record<number, Pose> = {};
  for (const o of scene.objects) {
    if (o.body !== 'fixed') out[o.id] = { position: [...o.pose.position], quaternion: [...o.pose.quaternion] };
  }
  return out;
}

/** Puts the scene back into the state of a recorded step (before rendering that step). */
export function applyStep(scene: Scene, step: RecordedStep): void {
  for (const o of scene.objects) {
    const p = step.poses[o.id];
    if (p) o.pose = p;
  }
}
