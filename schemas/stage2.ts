// Stage-2 frame columns (SPEC §Stage-2 frame). The column set depends on the dataset's cameras and on which of them
// carry depth / segmentation images, captured in a `Stage2Layout`; names keep their dots, as in LeRobot.
import type { Schema } from 'apache-arrow';
import type { CameraFrame, Stage2Frame } from './records.js';
import { f32x, field, float32, image, int32, int64, listOf, struct, utf8 } from './arrow-types.js';
import { schemaWithHf } from './hf-features.js';

export interface Stage2Layout {
  /** camera names in column order */
  cameras: string[];
  /** cameras that have an `observation.depth.<cam>` column (a subset of `cameras`, in their order) */
  depth: string[];
  /** cameras that have an `observation.segmentation.<cam>` column */
  segmentation: string[];
}

export interface Stage2SchemaOptions {
  /** true: every camera; a list: those cameras; absent/false: no depth columns */
  depth?: boolean | readonly string[];
  segmentation?: boolean | readonly string[];
}

const CAMERA_NAME = /^[A-Za-z0-9_-]+$/;

export function stage2Layout(cameras: readonly string[], opts: Stage2SchemaOptions = {}): Stage2Layout {
  for (const c of cameras) {
    // a dot in a camera name would make `camera.<cam>.K` ambiguous to parse back
    if (!CAMERA_NAME.test(c)) throw new Error(`camera name ${JSON.stringify(c)} must match ${CAMERA_NAME}`);
  }
  if (new Set(cameras).size !== cameras.length) throw new Error(`duplicate camera names: ${cameras.join(', ')}`);
  const pick = (o: boolean | readonly string[] | undefined): string[] => {
    if (o === true) return [...cameras];
    if (!o) return [];
    for (const c of o) if (!cameras.includes(c)) throw new Error(`unknown camera ${JSON.stringify(c)}`);
    return cameras.filter((c) => o.includes(c));
  };
  return { cameras: [...cameras], depth: pick(opts.depth), segmentation: pick(opts.segmentation) };
}

/** The layout these frames need: cameras of the first frame (all frames must match); depth/segmentation where any frame has one. */
export function stage2LayoutOf(frames: readonly Stage2Frame[]): Stage2Layout | null {
  if (frames.length === 0) return null;
  const cameras = Object.keys(frames[0].cameras);
  for (const f of frames) {
    const names = Object.keys(f.cameras);
    if (names.join('\0') !== cameras.join('\0')) {
      throw new Error(`frame ${f.episode_id}/${f.frame_index} has cameras [${names}], expected [${cameras}]`);
    }
  }
  const has = (key: 'depth' | 'segmentation'): string[] => cameras.filter((c) => frames.some((f) => f.cameras[c][key]));
  return stage2Layout(cameras, { depth: has('depth'), segmentation: has('segmentation') });
}

/** Inverse of the naming below: the layout of a stage-2 schema. */
export function stage2LayoutFromSchema(schema: Schema): Stage2Layout {
  const names = schema.fields.map((f) => f.name);
  const cams = (prefix: string): string[] => names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  return stage2Layout(cams('observation.images.'), {
    depth: cams('observation.depth.'),
    segmentation: cams('observation.segmentation.'),
  });
}

export function layoutKey(l: Stage2Layout): string {
  return JSON.stringify(l);
}

const cache = new Map<string, Schema>();

/** The stage-2 Arrow schema; the same Schema instance for the same layout (a stream's batches must share it). */
export function stage2Schema(cameras: readonly string[], opts: Stage2SchemaOptions = {}): Schema {
  return stage2SchemaFor(stage2Layout(cameras, opts));
}

export function stage2SchemaFor(l: Stage2Layout): Schema {
  const key = layoutKey(l);
  const hit = cache.get(key);
  if (hit) return hit;
  const box = struct([
    ['label', utf8()],
    ['object_id', int32()],
    ['bbox_tight', f32x(4)],
    ['bbox_amodal', f32x(4)],
    ['occlusion', float32()],
  ]);
  const schema = schemaWithHf([
    field('episode_id', utf8()),
    field('episode_index', int64()),
    field('frame_index', int64()),
    field('timestamp', float32()),
    field('task', utf8()),
    field('instruction', utf8()),
    field('spatial_prompt', utf8()),
    ...l.cameras.map((c) => field(`observation.images.${c}`, image())),
    ...l.depth.map((c) => field(`observation.depth.${c}`, image())),
    ...l.segmentation.map((c) => field(`observation.segmentation.${c}`, image())),
    field('observation.state', listOf(float32())),
    field('observation.eef_pose', f32x(7)),
    field('robot.base_pose', f32x(7)),
    field('action', f32x(7)),
    field('action.joint_position', listOf(float32())),
    ...l.cameras.flatMap((c) => [field(`camera.${c}.K`, f32x(9)), field(`camera.${c}.T_world_to_cam`, f32x(16))]),
    ...l.cameras.map((c) => field(`annotations.${c}.boxes`, listOf(box))),
    field('annotations.trace_3d', listOf(f32x(3))),
    ...l.cameras.map((c) => field(`annotations.${c}.trace_2d`, listOf(f32x(2)))),
    field('annotations.grasp_point_3d', f32x(3)),
    field('annotations.place_point_3d', f32x(3)),
    ...l.cameras.flatMap((c) => [field(`annotations.${c}.grasp_point`, f32x(2)), field(`annotations.${c}.place_point`, f32x(2))]),
  ]);
  cache.set(key, schema);
  return schema;
}

const img = (v: { bytes: Uint8Array; path: string | null } | undefined) => (v ? { bytes: v.bytes, path: v.path } : null);

export function stage2ToRecord(f: Stage2Frame, l: Stage2Layout): Record<string, unknown> {
  const r: Record<string, unknown> = {
    episode_id: f.episode_id,
    episode_index: f.episode_index,
    frame_index: f.frame_index,
    timestamp: f.timestamp,
    task: f.task,
    instruction: f.instruction,
    spatial_prompt: f.spatial_prompt,
    'observation.state': f.state,
    'observation.eef_pose': f.eef_pose,
    'robot.base_pose': f.base_pose,
    action: f.action,
    'action.joint_position': f.action_joint_position,
    'annotations.trace_3d': f.trace_3d,
    'annotations.grasp_point_3d': f.grasp_point_3d,
    'annotations.place_point_3d': f.place_point_3d,
  };
  for (const c of l.cameras) {
    const cam = f.cameras[c];
    if (!cam) throw new Error(`frame ${f.episode_id}/${f.frame_index} has no camera ${c}`);
    if (cam.depth && !l.depth.includes(c)) throw new Error(`frame ${f.episode_id}/${f.frame_index}: depth for ${c} has no column`);
    if (cam.segmentation && !l.segmentation.includes(c)) {
      throw new Error(`frame ${f.episode_id}/${f.frame_index}: segmentation for ${c} has no column`);
    }
    r[`observation.images.${c}`] = img(cam.image);
    r[`camera.${c}.K`] = cam.K;
    r[`camera.${c}.T_world_to_cam`] = cam.T_world_to_cam;
    r[`annotations.${c}.boxes`] = cam.boxes;
    r[`annotations.${c}.trace_2d`] = cam.trace_2d;
    r[`annotations.${c}.grasp_point`] = cam.grasp_point;
    r[`annotations.${c}.place_point`] = cam.place_point;
  }
  for (const c of l.depth) r[`observation.depth.${c}`] = img(f.cameras[c].depth);
  for (const c of l.segmentation) r[`observation.segmentation.${c}`] = img(f.cameras[c].segmentation);
  return r;
}

/** Inverse of stage2ToRecord: null optional images become absent keys, null lists empty lists. */
export function stage2FromRecord(r: Record<string, unknown>, l: Stage2Layout): Stage2Frame {
  const list = <T>(v: unknown): T[] => (v as T[] | null) ?? [];
  const cameras: Record<string, CameraFrame> = {};
  for (const c of l.cameras) {
    const cam: CameraFrame = {
      image: r[`observation.images.${c}`] as CameraFrame['image'],
      K: list<number>(r[`camera.${c}.K`]),
      T_world_to_cam: list<number>(r[`camera.${c}.T_world_to_cam`]),
      boxes: list(r[`annotations.${c}.boxes`]),
      trace_2d: list(r[`annotations.${c}.trace_2d`]),
      grasp_point: r[`annotations.${c}.grasp_point`] as CameraFrame['grasp_point'],
      place_point: r[`annotations.${c}.place_point`] as CameraFrame['place_point'],
    };
    const depth = r[`observation.depth.${c}`] as CameraFrame['depth'] | null | undefined;
    if (depth) cam.depth = depth;
    const seg = r[`observation.segmentation.${c}`] as CameraFrame['segmentation'] | null | undefined;
    if (seg) cam.segmentation = seg;
    cameras[c] = cam;
  }
  return {
    episode_id: r.episode_id as string,
    episode_index: r.episode_index as number,
    frame_index: r.frame_index as number,
    timestamp: r.timestamp as number,
    task: r.task as string | null,
    instruction: r.instruction as string,
    spatial_prompt: r.spatial_prompt as string,
    cameras,
    state: list(r['observation.state']),
    eef_pose: list(r['observation.eef_pose']),
    base_pose: list(r['robot.base_pose']),
    action: list(r.action),
    action_joint_position: list(r['action.joint_position']),
    trace_3d: list(r['annotations.trace_3d']),
    grasp_point_3d: r['annotations.grasp_point_3d'] as Stage2Frame['grasp_point_3d'],
    place_point_3d: r['annotations.place_point_3d'] as Stage2Frame['place_point_3d'],
  };
}
