// Row shapes of the dataset, as the pipeline produces them, before they become Arrow columns (SPEC §Stage-1 sample,
// §Stage-2 frame, episodes.arrow). Coordinates follow SPEC: pixels of the stored image, world frame z up, metres.

/** An HF `datasets` Image value. */
export interface ImageValue {
  bytes: Uint8Array;
  path: string | null;
}

/**
 * SPEC's types, then the ones the README documents: `ref_box` / `ref_point` (an object named by its relation to
 * another, "the mug to the left of the plate"), `free_point` (an empty spot of the table in a direction of an object).
 */
export const TASK_TYPES = ['object_list', 'box', 'point', 'relation', 'task_boxes', 'grasp_point', 'place_point', 'trace', 'ref_box', 'ref_point', 'free_point'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export interface Turn {
  from: 'human' | 'gpt';
  value: string;
}

export interface LabeledBox {
  label: string;
  bbox_2d: [number, number, number, number];
}
export interface LabeledPoint {
  label: string;
  point_2d: [number, number];
}

export interface Stage1Sample {
  id: string;
  source: string;
  episode_id: string;
  frame_index: number;
  camera: string;
  image: ImageValue;
  width: number;
  height: number;
  task_type: TaskType;
  conversations: Turn[];
  coord_format: string;
  boxes: LabeledBox[];
  points: LabeledPoint[];
  trace: [number, number][];
  /** the phrasing of the question (`bank#index`, generators/language/phrasing.ts) and its held-out split */
  template: string;
  phrasing_split: string;
  /** the structured form of every referring expression the question uses, in order */
  referring: ReferringRecord[];
}

/**
 * A referring expression as stored (generators/language/refer.ts ReferringExpression): the words, and what they
 * claim, so that a reader can re-evaluate them against the scene and camera of the frame.
 */
export interface ReferringRecord {
  object_id: number;
  text: string;
  /** `robot` (the robot base frame) or `camera:<name>` (that camera's view) */
  frame: string;
  noun: string;
  color: string | null;
  size: string | null;
  position: string | null;
  relation: string | null;
  reference_id: number | null;
  reference_noun: string | null;
  reference_color: string | null;
}

export interface ObjectBox {
  label: string;
  object_id: number;
  /** visible pixels' box; null when no pixel of the object is visible */
  bbox_tight: [number, number, number, number] | null;
  /** the projected 3D box, clipped to the image */
  bbox_amodal: [number, number, number, number];
  /** fraction of the object's projected silhouette that is hidden or out of frame, 0..1 */
  occlusion: number;
}

/** Per-camera content of one stage-2 frame. */
export interface CameraFrame {
  image: ImageValue;
  depth?: ImageValue;
  segmentation?: ImageValue;
  /** 3×3 row-major */
  K: number[];
  /** 4×4 row-major, OpenCV axes */
  T_world_to_cam: number[];
  boxes: ObjectBox[];
  /** the tool's coming path in this view; null for a point behind the camera (a wrist camera's) */
  trace_2d: ([number, number] | null)[];
  grasp_point: [number, number] | null;
  place_point: [number, number] | null;
}

export interface Stage2Frame {
  episode_id: string;
  episode_index: number;
  frame_index: number;
  timestamp: number;
  /** the task primitive, as in episodes.arrow */
  task: string | null;
  instruction: string;
  spatial_prompt: string;
  /** keyed by camera name; every frame of a dataset has the same cameras in the same order */
  cameras: Record<string, CameraFrame>;
  state: number[];
  /** TCP [x,y,z,qx,qy,qz,qw] in the robot base frame */
  eef_pose: number[];
  /** base frame in the world [x,y,z,qx,qy,qz,qw] */
  base_pose: number[];
  /** [dx,dy,dz,droll,dpitch,dyaw,gripper_close] */
  action: number[];
  action_joint_position: number[];
  trace_3d: [number, number, number][];
  grasp_point_3d: [number, number, number] | null;
  place_point_3d: [number, number, number] | null;
}

export interface EpisodeRecord {
  episode_id: string;
  episode_index: number;
  seed: number;
  split: string;
  /** the task primitive the episode attempted (`pick`, …, `push` for a rod's push); null when none was chosen */
  task: string | null;
  instruction: string;
  /** asset ids (with content hash where the library has one) used in the scene */
  assets: string[];
  /** the asset ids of its distractors (scene.distractors: objects no task names), in scene order */
  distractors: string[];
  success: boolean;
  failure_reason: string | null;
  num_frames: number;
  /** sha256 over the episode's fragment content: equal for equal episodes whichever worker made them */
  content_hash: string;
  /** the surroundings and light drawn for the episode; null when it has no scene (converted, failed before one) */
  environment: EpisodeEnvironment | null;
  /** which phrasings made the instruction and spatial prompt, and what they call each object; null without a task */
  language: EpisodeLanguage | null;
}

/** episodes.arrow `language` (generators/language/task-language.ts). */
export interface EpisodeLanguage {
  /** `bank#index` of the instruction's phrasing, and its split (`train` | `test`) */
  instruction_template: string;
  instruction_split: string;
  spatial_prompt_template: string;
  spatial_prompt_split: string;
  /** every object the sentences name, the handled object first, as said from the robot (frame `robot`) */
  referring: ReferringRecord[];
}

/** episodes.arrow `environment`: every choice of an episode's surroundings and light, as drawn (core/scene.ts Lighting). */
export interface EpisodeEnvironment {
  /** built-in environment map (assets/environments.ts), null when none lit the scene */
  map: string | null;
  /** the map's turn about the world's z axis, radians */
  map_rotation: number | null;
  map_intensity: number | null;
  /** `map` (the environment map stands behind the table) or `flat` (a plain colour) */
  background: string;
  /** sRGB 0..1, the flat colour (drawn also when the map stands in front of it) */
  background_rgb: number[];
  /** the table top (assets/environments.ts TABLE_SURFACES name, or a plain colour's name) */
  table: string;
  /** the table's size, metres (x, y, thickness) */
  table_size: number[];
  /** seed of the table's pattern; null for a plain table */
  table_pattern_seed: number | null;
  table_roughness: number;
  /** how far the table top lies below the arm's base and the still cameras, metres (environment.table_height_jitter) */
  table_drop: number;
  /** direction sunlight travels, world frame */
  sun_direction: number[];
  sun_intensity: number;
  /** the sun's colour temperature, kelvin; null: white */
  sun_kelvin: number | null;
  /** width of the sun's shadow edges, metres (at least one shadow-map texel; 0: that); null: 0 */
  shadow_edge: number | null;
  /** hemisphere fill intensity (0 when an environment map lights the scene) */
  fill_intensity: number;
  /** tone-mapping exposure of the rendered colour; null: not tone-mapped */
  exposure: number | null;
}

/** What one episode job produces. */
export interface EpisodeOutput {
  episode: EpisodeRecord;
  frames: Stage2Frame[];
  samples: Stage1Sample[];
}
