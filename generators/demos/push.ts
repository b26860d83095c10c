// Scripted push demo: a kinematic rod approaches one object from behind, pushes it along a named direction and
// lifts away. The rod stands in for the arm until robots arrive; it is the tool whose tip is the TCP.
import type { BuildConfig } from '../../schemas/config.js';
import { type Pose, type Vec3, add, scale, sub } from '../../core/math.js';
import { nameableFromRobot, taskSentences } from '../language/task-language.js';
import { PhysicsWorld } from '../physics/world.js';
import type { Rng } from '../../core/random.js';
import { PUSHER_HOME, PUSHER_SHAPE } from '../scene/sample.js';
import { PUSHER_ID } from '../../core/scene.js';
import { type Scene, shapeHalfExtents } from '../../core/scene.js';
import { type EpisodeRecording, type RecordedStep, snapshotPoses } from './recording.js';
import { WaypointPath } from './trajectory.js';

// Directions as seen by a robot at −x facing +x.
const DIRECTIONS: { words: string; dir: Vec3 }[] = [
  { words: 'forward', dir: [1, 0, 0] },
  { words: 'toward the robot', dir: [-1, 0, 0] },
  { words: 'to the left', dir: [0, 1, 0] },
  { words: 'to the right', dir: [0, -1, 0] },
];

/** the frame the rod's actions and words are in: a robot at the origin facing +x */
const ROD_VIEWPOINT: Pose = { position: [0, 0, 0], quaternion: [0, 0, 0, 1] };

const PUSH_HEIGHT = 0.015; // highest TCP height above the table while pushing
const CLEAR_HEIGHT = 0.19; // above the tallest object
const PUSH_SPEED = 0.08; // m/s

export async function recordPushDemo(scene: Scene, config: BuildConfig, rng: Rng): Promise<EpisodeRecording> {
  // resting bodies sleep (the pushed one is kept awake): most of a scene lies still all episode
  const physics = await PhysicsWorld.create(scene, { hz: config.physics.hz, sleep: true });
  try {
    physics.settle(config.physics.settle_s);

    // a rod cannot push what it would slide over: flat cutlery and lying carrots are not push targets
    const tall = scene.objects.filter((o) => o.annotated && o.pose.position[2] + shapeHalfExtents(o.shape)[2] >= 0.02);
    const any = tall.length > 0 ? tall : scene.objects.filter((o) => o.annotated);
    // what a sentence can name unambiguously (twins apart); the rod stands where a robot at −x facing +x would
    const nameable = any.filter(nameableFromRobot(scene, ROD_VIEWPOINT));
    const candidates = nameable.length > 0 ? nameable : any;
    const target = rng.pick(candidates);
    physics.keepAwake([target.id]);
    const { words, dir: baseDir } = rng.pick(DIRECTIONS);
    const jitter = rng.uniform(-0.25, 0.25);
    const dir: Vec3 = [baseDir[0] * Math.cos(jitter) - baseDir[1] * Math.sin(jitter), baseDir[0] * Math.sin(jitter) + baseDir[1] * Math.cos(jitter), 0];
    const distance = rng.uniform(...config.task.push_distance);

    const h = shapeHalfExtents(target.shape);
    const reach = Math.hypot(h[0], h[1], target.shape.kind === 'capsule' ? h[2] : 0) + PUSHER_SHAPE.radius + 0.025;
    const c = target.pose.position;
    // push at half the object's height (knives and carrots are barely a centimetre tall), never grazing the table
    const pushZ = Math.min(PUSH_HEIGHT, Math.max(0.004, 0.5 * (c[2] + h[2])));
    const start: Vec3 = [c[0] - dir[0] * reach, c[1] - dir[1] * reach, pushZ];
    const end = add(start, scale(dir, distance + 0.025));
    const path = new WaypointPath(PUSHER_HOME, [
      { position: [start[0], start[1], CLEAR_HEIGHT], duration: 1.2, phase: 'approach' },
      { position: start, duration: 0.8, phase: 'descend' },
      { position: end, duration: (distance + 0.025) / PUSH_SPEED, phase: 'push' },
      { position: [end[0], end[1], CLEAR_HEIGHT], duration: 0.7, phase: 'lift' },
    ]);

    const stepsPerFrame = Math.round(config.physics.hz / config.recording.hz);
    const frames = Math.floor(path.duration * config.recording.hz) + 1;
    const steps: RecordedStep[] = [];
    const startPos: Vec3 = [...c];
    const rodOffset: Vec3 = [0, 0, PUSHER_SHAPE.height / 2];
    // the rod starts at home; place it there exactly before the first frame
    const pusher = scene.objects.find((o) => o.id === PUSHER_ID)!;
    pusher.pose = { position: add(PUSHER_HOME, rodOffset), quaternion: [0, 0, 0, 1] };
    for (let k = 0; k < frames; k++) {
      const t = k / config.recording.hz;
      const here = path.at(t);
      steps.push({
        time: t, phase: here.phase, poses: snapshotPoses(scene),
        tcp: { position: here.position, quaternion: [0, 0, 0, 1] },
        gripperClosed: false, gripperOpening: 0, jointPositions: [...here.position],
      });
      if (k === frames - 1) break;
      for (let s = 1; s <= stepsPerFrame; s++) {
        physics.moveKinematic(PUSHER_ID, add(path.at(t + s / config.physics.hz).position, rodOffset));
        physics.step();
      }
    }

    const text = taskSentences(scene, ROD_VIEWPOINT, { task: 'push', x: target, dir: words }, config.language.phrasings, rng.fork('language'));
    const moved = sub(target.pose.position, startPos);
    const along = moved[0] * dir[0] + moved[1] * dir[1];
    let failureReason: string | null = null;
    if (target.pose.position[2] < 0) failureReason = 'fell_off_table: the pushed object left the table';
    else if (along < 0.5 * distance) failureReason = `push_short: object moved ${(along * 100).toFixed(1)} cm of ${(distance * 100).toFixed(1)} cm`;
    if (!text) failureReason = 'ambiguous: no object of the scene can be named unambiguously';

    return {
      task: 'push',
      instruction: text?.instruction ?? '',
      spatialPrompt: text?.spatialPrompt ?? '',
      language: text?.language ?? null,
      targetIds: [target.id],
      robotBase: ROD_VIEWPOINT,
      hz: config.recording.hz,
      steps,
      success: failureReason === null,
      failureReason,
      graspPoint3d: null,
      placePoint3d: null,
    };
  } finally {
    physics.free();
  }
}
