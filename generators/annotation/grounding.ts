// Stage-1 grounding samples from one annotated view: object lists, boxes, points, relations, referring boxes and
// points, free-space points, task boxes, grasp and place points and traces,
// each with a structured answer in stored-image pixels and the same answer as text in the build's coord_format.
import type { ImageValue, LabeledBox, ObjectBox, Stage1Sample, TaskType } from '../../schemas/records.js';
import { type CameraModel, inImage, project } from '../../core/camera.js';
import { boxesAnswer, describeCoordFormat, pointsAnswer, traceAnswer } from '../language/coords.js';
import { type CoordFormat, coordFormatName } from '../../schemas/coord-format.js';
import { type TemplateTask, question } from '../language/templates.js';
import { GRASP_LABEL, PLACE_LABEL } from '../language/convert-questions.js';
import type { Phrased, PhrasingChoice } from '../language/phrasing.js';
import { type ReferringExpression, agreement, describe } from '../language/refer.js';
import { DIRECTIONS, DIRECTION_WORDS, cameraViewpoint, inDirection } from '../language/viewpoint.js';
import { referableObjects } from '../language/task-language.js';
import { freeSpot } from './free-space.js';
import type { Rng } from '../../core/random.js';
import { type SceneObject, TABLE_ID } from '../../core/scene.js';
import { norm, sub, type Vec2, type Vec3 } from '../../core/math.js';

export interface AnnotatedView {
  episodeId: string;
  frameIndex: number;
  camera: CameraModel;
  image: ImageValue;
  ids: ArrayLike<number>;
  /** visible pixel count of every object id in this view */
  visiblePixels: ReadonlyMap<number, number>;
  boxes: ObjectBox[];
  objects: readonly SceneObject[];
  instruction: string;
  targetIds: number[];
  trace3d: Vec3[];
  /** null: behind the camera */
  trace2d: (Vec2 | null)[];
  /** where the episode grasps / places, projected; null where there is none still to come at this frame */
  graspPoint: Vec2 | null;
  placePoint: Vec2 | null;
}

export interface GroundingOptions {
  coordFormat: CoordFormat;
  minVisiblePixels: number;
  /** which phrasings the questions may use */
  phrasings: PhrasingChoice;
}

/** A point on the object's visible pixels: its projected centre when that pixel shows it, else the nearest pixel that does. */
export function objectPoint(view: AnnotatedView, o: SceneObject): Vec2 | null {
  const { width, height } = view.camera;
  const c = project(view.camera, o.pose.position);
  const at = (x: number, y: number) => view.ids[y * width + x];
  if (inImage(view.camera, c) && at(Math.floor(c[0]), Math.floor(c[1])) === o.id) return c;
  let best: Vec2 | null = null;
  let bestD = Infinity;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (at(x, y) !== o.id) continue;
      const d = (x + 0.5 - c[0]) ** 2 + (y + 0.5 - c[1]) ** 2;
      if (d < bestD) [bestD, best] = [d, [x + 0.5, y + 0.5]];
    }
  }
  return best;
}

/**
 * The stage-1 samples of one view. Every object a question names is described by its shortest unambiguous referring
 * expression from this camera (generators/language/refer.ts), among the objects the camera shows at all; an object
 * that has none is not asked about. Each question type draws from its own stream.
 */
export function groundingSamples(view: AnnotatedView, rng: Rng, opts: GroundingOptions): Stage1Sample[] {
  const fmt = opts.coordFormat;
  const img = { width: view.camera.width, height: view.camera.height };
  const vp = cameraViewpoint(view.camera);
  const onTable = referableObjects(view.objects);
  // what the camera shows at all: the objects a description must tell its object apart from
  const seen = onTable.filter((o) => (view.visiblePixels.get(o.id) ?? 0) > 0);
  const visible = view.boxes
    .filter((b) => b.bbox_tight && (view.visiblePixels.get(b.object_id) ?? 0) >= opts.minVisiblePixels)
    .sort((a, b) => a.bbox_tight![0] - b.bbox_tight![0]);
  const byId = new Map(view.objects.map((o) => [o.id, o]));
  const boxOf = new Map(visible.map((b) => [b.object_id, b]));
  // what a question may be about: a referable object with enough pixels to box
  const askable = seen.filter((o) => boxOf.has(o.id));
  const labeled = (b: ObjectBox): LabeledBox => ({ label: b.label, bbox_2d: b.bbox_tight! });
  const boxed = (o: SceneObject) => labeled(boxOf.get(o.id)!);
  const out: Stage1Sample[] = [];
  /** the question, {x} and its agreeing words filled from the expression `x` names the object by */
  const ask = (task: TemplateTask, x?: ReferringExpression, slots: Record<string, string> = {}) =>
    question(task, opts.phrasings, rng.fork(`${task}/q`), { fmt: describeCoordFormat(fmt), instruction: view.instruction.trim(), ...(x ? { x: x.text, ...agreement(x) } : {}), ...slots });
  const push = (task_type: TaskType, q: Phrased, answer: string, part: Partial<Pick<Stage1Sample, 'boxes' | 'points' | 'trace'>>, referring: ReferringExpression[] = []) =>
    out.push({
      id: `${view.episodeId}-f${String(view.frameIndex).padStart(4, '0')}-${view.camera.name}-${task_type}`,
      source: 'synthetic', episode_id: view.episodeId, frame_index: view.frameIndex, camera: view.camera.name,
      image: view.image, width: img.width, height: img.height, task_type,
      conversations: [{ from: 'human', value: q.text }, { from: 'gpt', value: answer }],
      coord_format: coordFormatName(fmt), boxes: part.boxes ?? [], points: part.points ?? [], trace: part.trace ?? [],
      template: q.template, phrasing_split: q.split, referring,
    });
  const say = (o: SceneObject, stream: string, relational = false) => describe(o, seen.includes(o) ? seen : [...seen, o], vp, rng.fork(stream), { relational });
  /** a box or a point question about `o`, named by `e` */
  const boxOrPoint = (task: 'box' | 'point' | 'ref_box' | 'ref_point', o: SceneObject, e: ReferringExpression) => {
    if (task === 'box' || task === 'ref_box') return push(task, ask(task, e), boxesAnswer([boxed(o)], img, fmt), { boxes: [boxed(o)] }, [e]);
    const p = objectPoint(view, o);
    const points = p ? [{ label: o.name, point_2d: p }] : [];
    if (p) push(task, ask(task, e), pointsAnswer(points, img, fmt), { points }, [e]);
  };

  if (visible.length > 0) {
    const all = visible.map(labeled);
    push('object_list', ask('object_list'), boxesAnswer(all, img, fmt), { boxes: all });
  }
  for (const task of ['box', 'point'] as const) {
    const o = askable.length ? rng.fork(task).pick(askable) : null;
    const e = o && say(o, `${task}/x`);
    if (o && e) boxOrPoint(task, o, e);
  }
  relationSample();
  for (const task of ['ref_box', 'ref_point'] as const) {
    // an object named through another ("the mug to the left of the plate"), relational grounding's training signal
    for (const o of rng.fork(task).shuffle([...askable])) {
      const e = say(o, `${task}/x`, true);
      if (!e) continue;
      boxOrPoint(task, o, e);
      break;
    }
  }
  freePointSample();

  const hasTask = view.instruction.trim().length > 0;
  const targets = visible.filter((b) => view.targetIds.includes(b.object_id)).map(labeled);
  if (hasTask && targets.length > 0) push('task_boxes', ask('task_boxes'), boxesAnswer(targets, img, fmt), { boxes: targets });

  // grasp / place points: asked while they are still ahead, and only where they are in the picture
  const manipulated = view.targetIds.length ? byId.get(view.targetIds[0]) : undefined;
  for (const [task, p] of [['grasp_point', view.graspPoint], ['place_point', view.placePoint]] as const) {
    if (!hasTask || !p || !manipulated || !inImage(view.camera, p)) continue;
    const e = say(manipulated, `${task}/x`);
    if (!e) continue;
    const points = [{ label: task === 'grasp_point' ? GRASP_LABEL : PLACE_LABEL, point_2d: p }];
    push(task, ask(task, e), pointsAnswer(points, img, fmt), { points }, [e]);
  }

  // trace: only where the tool moves and every point is in the picture
  let travel = 0;
  for (let i = 1; i < view.trace3d.length; i++) travel += norm(sub(view.trace3d[i], view.trace3d[i - 1]));
  if (hasTask && travel > 0.01 && view.trace2d.every((q) => q !== null && inImage(view.camera, q))) {
    const trace = (view.trace2d as Vec2[]).map((q) => [q[0], q[1]] as [number, number]);
    push('trace', ask('trace'), traceAnswer(trace, img, fmt), { trace });
  }
  return out;

  /**
   * "What is left of the plate?": every object clearly in that direction of the reference (one of eight), asked only
   * where no seen object is a near-tie and every object in it is visible enough to be boxed.
   */
  function relationSample(): void {
    const r = rng.fork('relation');
    const ref = askable.length ? r.pick(askable) : null;
    const e = ref && say(ref, 'relation/x');
    if (!ref || !e) return;
    for (const dir of r.shuffle([...DIRECTIONS])) {
      const verdicts = seen.filter((o) => o.id !== ref.id).map((o) => ({ o, v: inDirection(vp, o.pose.position, ref.pose.position, dir, 8) }));
      const yes = verdicts.filter((x) => x.v === 'yes').map((x) => x.o);
      if (yes.length === 0 || verdicts.some((x) => x.v === 'unclear') || yes.some((o) => !boxOf.has(o.id))) continue;
      const boxes = yes.map(boxed).sort((a, b) => a.bbox_2d[0] - b.bbox_2d[0]);
      push('relation', ask('relation', e, { rel: DIRECTION_WORDS[dir] }), boxesAnswer(boxes, img, fmt), { boxes }, [e]);
      return;
    }
  }

  /** "Point to an empty spot to the left of the bowl" (free-space.ts says what counts as empty). */
  function freePointSample(): void {
    const r = rng.fork('free_point');
    const table = view.objects.find((o) => o.id === TABLE_ID);
    const ref = askable.length ? r.pick(askable) : null;
    const e = ref && say(ref, 'free_point/x');
    if (!table || !ref || !e) return;
    for (const dir of r.shuffle([...DIRECTIONS])) {
      const spot = freeSpot(view.camera, vp, table, onTable, ref, dir, view.ids, r);
      if (!spot) continue;
      const points = [{ label: 'free space', point_2d: spot.point2d }];
      push('free_point', ask('free_point', e, { rel: DIRECTION_WORDS[dir] }), pointsAnswer(points, img, fmt), { points }, [e]);
      return;
    }
  }
}
