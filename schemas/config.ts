// The build config: what a user writes in CONFIG.yaml or picks as a preset. Validated with zod so a bad value
// is one line naming the file and the key, before anything is simulated or written.
import { readFileSync, statSync } from 'node:fs';
import { type Document, isScalar, parseDocument, visit } from 'yaml';
import { z } from 'zod';
import { ROBOT_NAMES, TASK_PRIMITIVES } from './tasks.js';
import { COORD_FORMAT_HELP, parseCoordFormat } from './coord-format.js';
import { TABLE_HALF } from '../core/scene.js';
import { fsCause } from '../core/errors.js';

// Limits on what a config may hold, so a config can never make a build run away with memory or time (a 50 MB
// name, a million keys): the file itself, every free-text string, and every list. A value beyond them is refused in
// one line, like any other bad value.
export const CONFIG_LIMITS = {
  /** bytes of a CONFIG.yaml */
  fileBytes: 1024 * 1024,
  /** characters of `name` and of any other free-text string */
  textChars: 200,
  /** entries of `scene.categories` */
  categories: 500,
  /** held-out splits in `splits` */
  splits: 16,
} as const;

/** An integer in [min, max], with a message that says so (zod's own reports its safe-integer bound first). */
const int = (min: number, max: number) =>
  z.number().refine((v) => Number.isInteger(v) && v >= min && v <= max, { message: `must be an integer from ${min} to ${max}` });
const finite = z.number();
const vec3 = z.tuple([finite, finite, finite]);
const positive = z.number().positive();
const identifier = (what: string) => z.string().max(64).regex(/^[a-z][a-z0-9_]*$/, `${what} are lowercase identifiers (letters, digits, _; they become column and file names)`);
/** what sentences may be phrased from: generators/language/phrasing.ts has the split rule */
export const PHRASING_CHOICES = ['train', 'test', 'all'] as const;
/** `[min, max]` of `item`s, min not above max */
const ordered = (item: z.ZodNumber, unit?: string) =>
  z.tuple([item, item]).refine(([lo, up]) => lo <= up, { message: `[min, max]${unit ? ` in ${unit}` : ''}: the first must not exceed the second` });
/** `[min, max]`, both in (0, hi] */
const range = (hi: number, unit: string) => ordered(positive.max(hi), unit);

export const CameraConfigSchema = z.strictObject({
  name: identifier('camera names'),
  width: int(16, 4096),
  height: int(16, 4096),
  fov_y_deg: z.number().min(10).max(150),
  position: vec3,
  target: vec3,
  /** `world`: fixed in the scene; `tcp`: a wrist camera riding on the robot's tool-centre point (position, target and
   * up are then in the TCP frame: z along the fingers, y across their opening) */
  mount: z.enum(['world', 'tcp']).default('world'),
  /** the direction that is up in the image (world frame, or the TCP frame for a wrist camera); default world +z */
  up: vec3.optional(),
  /** uniform jitter of the camera position per episode, metres (domain randomisation) */
  position_jitter: z.number().min(0).max(0.5).default(0),
  /** uniform jitter of the point the camera looks at, metres */
  target_jitter: z.number().min(0).max(0.5).default(0),
  /** uniform jitter of the vertical field of view, ± degrees */
  fov_jitter_deg: z.number().min(0).max(30).default(0),
  /** uniform jitter of the principal point from the image centre, ± pixels in x and in y */
  principal_jitter_px: z.number().min(0).max(200).default(0),
}).refine((c) => Math.hypot(c.target[0] - c.position[0], c.target[1] - c.position[1], c.target[2] - c.position[2]) > 0.01 + Math.sqrt(3) * (c.position_jitter + c.target_jitter), {
  // a camera looking at its own position has no viewing direction: every T_world_to_cam would be NaN
  message: 'target must be more than 1 cm (plus the position and target jitter) away from position: the camera looks from position at target',
}).refine((c) => {
  // the view direction and up must not be parallel: the image would have no defined up
  const f = [c.target[0] - c.position[0], c.target[1] - c.position[1], c.target[2] - c.position[2]];
  const u = c.up ?? [0, 0, 1];
  const cx = f[1] * u[2] - f[2] * u[1], cy = f[2] * u[0] - f[0] * u[2], cz = f[0] * u[1] - f[1] * u[0];
  return c.mount === 'world' && c.up === undefined ? true : Math.hypot(cx, cy, cz) > 0.05 * Math.hypot(...f) * Math.hypot(...u);
}, { message: 'up must not point along the view (target - position): give a wrist camera an up across its view', path: ['up'] }).refine((c) => c.fov_y_deg - c.fov_jitter_deg >= 5 && c.fov_y_deg + c.fov_jitter_deg <= 170, {
  message: 'fov_y_deg ± fov_jitter_deg must stay within 5..170 degrees', path: ['fov_jitter_deg'],
}).refine((c) => c.principal_jitter_px < Math.min(c.width, c.height) / 2, {
  message: 'principal_jitter_px must be less than half the image size', path: ['principal_jitter_px'],
});

export const SHAPE_KINDS = ['box', 'sphere', 'cylinder', 'capsule', 'cone'] as const;

export const BuildConfigSchema = z.strictObject({
  name: z.string().max(CONFIG_LIMITS.textChars).default('custom'),
  seed: int(0, 2 ** 32 - 1).default(0),
  episodes: int(1, 10_000_000),
  /** share of episodes held out per split, by a hash of the episode id; the rest is `train` */
  splits: z
    .record(identifier('split names'), z.number().min(0).max(1))
    .refine((s) => !('train' in s), { message: 'list only the held-out splits: train is what they leave' })
    .refine((s) => Object.keys(s).length <= CONFIG_LIMITS.splits, { message: `at most ${CONFIG_LIMITS.splits} held-out splits` })
    .refine((s) => Object.values(s).reduce((a, b) => a + b, 0) <= 1 + 1e-9, { message: 'the held-out shares sum to more than 1' })
    .default({ validation: 0.1 }),
  scene: z
    .strictObject({
      /** where objects come from: the asset library (procedural families and imported models) or plain primitives */
      objects: z.enum(['library', 'primitives']).default('library'),
      /** which held-out share of the library to draw from: `test` for unseen-object evaluation */
      asset_split: z.enum(['train', 'test']).default('train'),
      /** which assets to draw: the procedural families, the imported ones (the built-in YCB scans and your imports), or both */
      asset_source: z.enum(['any', 'procedural', 'imported']).default('any'),
      /** library categories to draw from (default: every graspable category that fits the table) */
      categories: z.array(z.string().min(1).max(64)).min(1).max(CONFIG_LIMITS.categories).optional(),
      objects_min: int(1, 30).default(3),
      objects_max: int(1, 30).default(8),
      /** pick-and-place from the library: this many objects that no task names, beside what the tasks need ([min, max]
       * drawn per episode; then objects_min/max do not apply); absent: objects_min..objects_max objects in all */
      distractors: ordered(int(0, 20)).optional(),
      shapes: z.array(z.enum(SHAPE_KINDS)).min(1).max(SHAPE_KINDS.length).default([...SHAPE_KINDS]),
      /** half extents of the area objects are dropped on, metres, centred on the table (at most the table's) */
      area: z.tuple([positive.max(TABLE_HALF[0]), positive.max(TABLE_HALF[1])]).default([0.22, 0.3]),
      object_size: range(0.3, 'metres').default([0.035, 0.08]),
      /** share of the free and distractor draws that repeat the category of an object already on the table (half of
       * them its colour too), so that sentences must tell twins apart ("the bigger bowl", "the mug on the left") */
      twins: z.number().min(0).max(1).default(0.25),
    })
    .refine((s) => s.objects_min <= s.objects_max, { message: 'objects_min must not exceed objects_max' })
    .prefault({}),
  environment: z
    .strictObject({
      /** image-based light: a built-in indoor HDR map per episode (`hdri`), or a flat sky colour and fill (`none`) */
      map: z.enum(['hdri', 'none']).default('hdri'),
      /** which maps and table surfaces: those seen in training, or the held-out ones (`test`) for unseen surroundings */
      split: z.enum(['train', 'test']).default('train'),
      /** scale of the map's light, drawn per episode */
      map_intensity: range(4, 'scale').default([0.3, 0.7]),
      /** draw the map behind the table too (else the flat colour) */
      background: z.boolean().default(true),
      /** the table top: a textured surface drawn per episode (wood, stone, laminate, fabric, metal…), or a plain colour */
      table: z.enum(['surfaces', 'plain']).default('surfaces'),
      /** the table grows by up to this share along x and along y per episode (never shrinks: tasks and reach keep it) */
      table_size_jitter: z.number().min(0).max(1).default(0),
      /**
       * the table top lies up to this far below the arm's base and the still cameras per episode, metres (drawn in
       * [0, this]): a lower table in a lab whose arm and cameras keep their stand; the arm stands on a mount that tall
       */
      table_height_jitter: z.number().min(0).max(0.15).default(0),
      /** the sun's intensity, drawn per episode */
      sun_intensity: range(10, 'scale').default([2.2, 3.2]),
      /** the sun's height above the horizon, degrees (its azimuth: any), drawn per episode */
      sun_elevation_deg: ordered(z.number().min(5).max(90), 'degrees').default([50, 75]),
      /** the sun's colour temperature, kelvin (warm 3000 … daylight 6500 … overcast 8000), drawn per episode */
      sun_kelvin: ordered(z.number().min(1500).max(15000), 'kelvin').default([4000, 7000]),
      /**
       * how wide the sun's shadow edges are, millimetres, drawn per episode (never sharper than one shadow-map texel,
       * 1–2 mm over a tabletop; 0: that sharpest edge). Costs nothing per frame.
       */
      shadow_edge_mm: ordered(z.number().min(0).max(20), 'mm').default([0, 0]),
      /** tone-mapping exposure of the rendered colour, drawn per episode */
      exposure: range(4, 'scale').default([0.85, 1.15]),
    })
    .prefault({}),
  physics: z
    .strictObject({
      hz: int(60, 2000).default(240),
      settle_s: z.number().min(0).max(10).default(1),
    })
    .prefault({}),
  task: z
    .strictObject({
      /** `push`: a kinematic rod pushes one object; `pick_place`: a robot arm manipulates objects by friction grasps */
      kind: z.enum(['push', 'pick_place']).default('push'),
      /** how far the pusher moves its object, metres (push) */
      push_distance: range(0.5, 'metres').default([0.08, 0.16]),
      /** the arm (pick_place) */
      robot: z.enum(ROBOT_NAMES).default('widowx250'),
      /** per-episode jitter of the arm's base about its station: ± metres in x and y, ± degrees of yaw (pick_place) */
      base_jitter: z.tuple([z.number().min(0).max(0.15), z.number().min(0).max(30)]).default([0, 0]),
      /** task primitives drawn per episode (pick_place) */
      primitives: z.array(z.enum(TASK_PRIMITIVES)).min(1).max(TASK_PRIMITIVES.length).default([...TASK_PRIMITIVES]),
      /** how high "pick up" must lift, metres */
      lift_height: z.number().min(0.01).max(0.5).default(0.08),
      /** "move X near Y": the distance that counts as near, metres */
      near_distance: z.number().min(0.01).max(0.5).default(0.05),
      /** an attempt that runs longer (simulated seconds) fails with 'timeout' */
      max_seconds: z.number().min(1).max(600).default(40),
    })
    .prefault({}),
  recording: z
    .strictObject({
      hz: z.number().min(1).max(60).default(10),
    })
    .prefault({}),
  cameras: z
    .array(CameraConfigSchema)
    .min(1)
    .max(8)
    .superRefine((cams, ctx) => {
      // names become column names: two cameras of one name would share (and overwrite) each other's columns
      const seen = new Set<string>();
      cams.forEach((c, i) => {
        if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `camera name "${c.name}" is used twice` });
        seen.add(c.name);
      });
    }),
  render: z
    .strictObject({
      image_format: z.enum(['jpeg', 'png']).default('jpeg'),
      jpeg_quality: int(10, 100).default(90),
      depth: z.boolean().default(true),
      segmentation: z.boolean().default(true),
    })
    .prefault({}),
  stage1: z
    .strictObject({
      /** stage-1 samples are made from every n-th recorded frame */
      every_n_frames: int(1, 1_000_000).default(10),
      coord_format: z
        .string()
        .max(CONFIG_LIMITS.textChars)
        .refine((f) => {
          try {
            parseCoordFormat(f);
            return true;
          } catch {
            return false;
          }
        }, { message: `must be ${COORD_FORMAT_HELP}` })
        .default('abs:224x224'),
      /** an object needs this many visible pixels to be asked about */
      min_visible_pixels: int(1, 4096 * 4096).default(30),
    })
    .prefault({}),
  language: z
    .strictObject({
      /** which phrasings of every sentence bank a sentence may use: `train`, the held-out `test` (every fifth phrasing
       * of each bank, for evaluation on unseen wording), or `all` */
      phrasings: z.enum(PHRASING_CHOICES).default('train'),
    })
    .prefault({}),
  output: z
    .strictObject({
      rows_per_shard: int(1, 10_000_000).default(2000),
      /**
       * episodes per shard job: each split's episodes, in index order, are cut into groups of this many, and one job
       * packs each group as soon as its episodes are committed. Each group ends in at most one short shard per kind;
       * at 1000 (~100 000 frames) that is a few per cent of a big build's shards, while packing runs in parallel,
       * overlapped with rendering, and a build of up to 1000 episodes per split is packed as one group.
       */
      episodes_per_shard_job: int(1, 10_000_000).default(1000),
    })
    .prefault({}),
});

export type BuildConfig = z.infer<typeof BuildConfigSchema>;
export type CameraConfig = z.infer<typeof CameraConfigSchema>;

/** A config problem a user can fix: one line, naming the place. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.join('.') : '(top level)';
  // a config of 50 000 stray keys must not become a 50 000-key message
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.slice(0, 5).map((k) => JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k)).join(', ');
    return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}${issue.keys.length > 5 ? ` (and ${issue.keys.length - 5} more)` : ''}`;
  }
  const msg = issue.message.length > 300 ? `${issue.message.slice(0, 300)}…` : issue.message;
  return `${where}: ${msg}`;
}

/** Validates a parsed config object; `place` names where it came from (a file, a preset) for the error line. */
export function parseBuildConfig(raw: unknown, place: string): BuildConfig {
  const result = BuildConfigSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw new ConfigError(`${place}: ${describeIssue(issues[0])}${more}`);
  }
  return result.data;
}

/** The first key that a mapping of the document lists twice, with its line; null when none. Linear in the keys (the
 * yaml package's own `uniqueKeys` check is quadratic: 50 000 keys took 30 s). */
function duplicateKey(doc: Document): { key: string; offset: number } | null {
  let found: { key: string; offset: number } | null = null;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (seen.has(key)) {
          const offset = isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
          found = { key, offset };
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/** Parses a config's YAML text: one line naming the file and the line at fault when it is not a config mapping. */
export function parseConfigText(text: string, path: string): BuildConfig {
  const bytes = Buffer.byteLength(text);
  if (bytes > CONFIG_LIMITS.fileBytes) throw new ConfigError(`${path}: config is ${bytes} bytes; at most ${CONFIG_LIMITS.fileBytes} (1 MiB)`);
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) throw new ConfigError(`${path}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const dup = duplicateKey(doc);
  if (dup) {
    const line = text.slice(0, dup.offset).split('\n').length;
    throw new ConfigError(`${path}: line ${line}: key ${JSON.stringify(dup.key.slice(0, 60))} is given twice`);
  }
  let raw: unknown;
  try {
    // aliases are expanded at most 100 times: a "billion laughs" document is refused, not expanded
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`${path}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${path}: expected a mapping of config keys at the top level`);
  return parseBuildConfig(raw, path);
}

export function loadBuildConfigFile(path: string): BuildConfig {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > CONFIG_LIMITS.fileBytes) throw new ConfigError(`${path}: config is ${size} bytes; at most ${CONFIG_LIMITS.fileBytes} (1 MiB)`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${path}: cannot read config (${fsCause(e)})`);
  }
  return parseConfigText(text, path);
}
