// Stage-1 grounding samples from one annotated view: object lists, boxes, points, relations, task boxes and traces,
// each with a structured answer in stored-image pixels and the same answer as text in the build's coord_format.
import type { ImageValue, LabeledBox, ObjectBox, Stage1Sample, TaskType } from '../../schemas/records.js';
import { type CameraModel, inImage, project } from '../../core/camera.js';
import { boxesAnswer, describeCoordFormat, pointsAnswer, traceAnswer } from '../language/coords.js';
import { type CoordFormat, coordFormatName } from '../../schemas/coord-format.js';
import { question } from '../language/templates.js';
import type { Rng } from '../../core/random.js';
import type { SceneObject } from '../../core/scene.js';
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

export function groundingSamples(view: AnnotatedView, rng: Rng, opts: GroundingOptions): Stage1Sample[] {
  const fmt = opts.coordFormat;
  const img = { width: view.camera.width, height: view.camera.height };
  const vars = { fmt: describeCoordFormat(fmt), instruction: view.instruction };
  const visible = view.boxes
    .filter((b) => b.bbox_tight && (view.visiblePixels.get(b.object_id) ?? 0) >= opts.minVisiblePixels)
    .sort((a, b) => a.bbox_tight![0] - b.bbox_tight![0]);
  const byId = new Map(view.objects.map((o) => [o.id, o]));
  const labeled = (b: ObjectBox): LabeledBox => ({ label: b.label, bbox_2d: b.bbox_tight! });
  const out: Stage1Sample[] = [];
  const push = (task_type: TaskType, q: string, answer: string, part: Partial<Pick<Stage1Sample, 'boxes' | 'points' | 'trace'>>) =>
    out.push({
      id: `${view.episodeId}-f${String(view.frameIndex).padStart(4, '0')}-${view.camera.name}-${task_type}`,
      source: 'synthetic', episode_id: view.episodeId, frame_index: view.frameIndex, camera: view.camera.name,
      image: view.image, width: img.width, height: img.height, task_type,
      conversations: [{ from: 'human', value: q }, { from: 'gpt', value: answer }],
      coord_format: coordFormatName(fmt), boxes: part.boxes ?? [], points: part.points ?? [], trace: part.trace ?? [],
    });

  if (visible.length > 0) {
    const all = visible.map(labeled);
    push('object_list', question('object_list', rng, vars), boxesAnswer(all, img, fmt), { boxes: all });

    const one = rng.pick(visible);
    push('box', question('box', rng, { ...vars, name: one.label }), boxesAnswer([labeled(one)], img, fmt), { boxes: [labeled(one)] });

    const pointed = rng.pick(visible);
    const p = objectPoint(view, byId.get(pointed.object_id)!);
    if (p) {
      const points = [{ label: pointed.label, point_2d: p }];
      push('point', question('point', rng, { ...vars, name: pointed.label }), pointsAnswer(points, img, fmt), { points });
    }
  }

  // relation: only when the nearest neighbour is clearly nearer than the runner-up, so the answer is unambiguous
  if (visible.length >= 3) {
    const ref = byId.get(rng.pick(visible).object_id)!;
    const others = visible
      .filter((b) => b.object_id !== ref.id)
      .map((b) => ({ b, d: norm(sub(byId.get(b.object_id)!.pose.position, ref.pose.position)) }))
      .sort((x, y) => x.d - y.d);
    if (others[1].d > others[0].d * 1.5 + 0.02) {
      const ans = [labeled(others[0].b)];
      push('relation', question('relation', rng, { ...vars, name: ref.name }), boxesAnswer(ans, img, fmt), { boxes: ans });
    }
  }

  const targets = visible.filter((b) => view.targetIds.includes(b.object_id)).map(labeled);
  if (targets.length > 0) push('task_boxes', question('task_boxes', rng, vars), boxesAnswer(targets, img, fmt), { boxes: targets });

  // grasp / place points: asked while they are still ahead, and only where they are in the picture
  const manipulated = view.targetIds.length ? byId.get(view.targetIds[0]) : undefined;
  for (const [task, p] of [['grasp_point', view.graspPoint], ['place_point', view.placePoint]] as const) {
    if (!p || !manipulated || !inImage(view.camera, p)) continue;
    const points = [{ label: task === 'grasp_point' ? 'grasp point' : 'place point', point_2d: p }];
    push(task, question(task, rng, { ...vars, name: manipulated.name }), pointsAnswer(points, img, fmt), { points });
  }

  // trace: only where the tool moves and every point is in the picture
  let travel = 0;
  for (let i = 1; i < view.trace3d.length; i++) travel += norm(sub(view.trace3d[i], view.trace3d[i - 1]));
  if (travel > 0.01 && view.trace2d.every((q) => q !== null && inImage(view.camera, q))) {
    const trace = (view.trace2d as Vec2[]).map((q) => [q[0], q[1]] as [number, number]);
    push('trace', question('trace', rng, vars), traceAnswer(trace, img, fmt), { trace });
  }
  return out;
}
