// What every reader yields: a recorded dataset as episodes of per-frame numeric fields and per-camera images, with
// the source's layout (Arrow + mp4, parquet + mp4, TFRecord + JPEG) hidden. Images are read only when asked for,
// because most conversions need a few frames of a long video, and a dataset without calibration needs none.

export type SourceFormat = 'lerobot-v1' | 'lerobot-v2' | 'lerobot-v3' | 'rlds';
export const SOURCE_FORMATS: readonly SourceFormat[] = ['lerobot-v1', 'lerobot-v2', 'lerobot-v3', 'rlds'];

/** An encoded frame, as stored in an HF Image struct. */
export interface EncodedImage {
  bytes: Uint8Array;
  /** 'jpeg' | 'png' */
  format: string;
}

export interface CameraInfo {
  /** the key as in the dataset, e.g. `observation.image`, `observation/image_0` */
  key: string;
  width: number;
  height: number;
}

export interface DemoCamera extends CameraInfo {
  /** Encoded images of the given frame indices, in the order asked. Throws InputError when the source cannot give them. */
  frames(indices: readonly number[]): Promise<EncodedImage[]>;
}

export interface FieldInfo {
  name: string;
  /** values per frame (1 for a scalar) */
  dim: number;
}

export interface DemoEpisode {
  /** the source dataset's name */
  dataset: string;
  /** position in the source (LeRobot `episode_index`; RLDS record order across shards) */
  index: number;
  /** the source split it comes from */
  split: string;
  /** the episode's instruction / task string; null where the source has none */
  instruction: string | null;
  /** frames per second; null when the source does not say (RLDS) */
  fps: number | null;
  length: number;
  /** seconds from the episode start, one per frame; null when the source has no time */
  timestamps: number[] | null;
  /** per-frame numeric values by field name; each entry has `length` rows of `dim` values */
  fields: Map<string, number[][]>;
  cameras: DemoCamera[];
}

export interface DemoDataset {
  name: string;
  format: SourceFormat;
  root: string;
  fps: number | null;
  /** dataset-level facts the calibration is checked against */
  cameras: CameraInfo[];
  fields: FieldInfo[];
  episodeCount: number;
  /** what the reader noticed and skipped (e.g. a declared split with no files) */
  notes: string[];
  episode(i: number): Promise<DemoEpisode>;
}

/**
 * Resolves a name written by a user (calibration file) against the dataset's names. Exact match first; then '.' and
 * '/' are taken as the same separator, since LeRobot writes `observation.state` and TFDS `observation/state`.
 */
export function resolveName(name: string, available: readonly string[]): string | undefined {
  if (available.includes(name)) return name;
  const norm = (s: string) => s.replaceAll('/', '.').replace(/^steps\./, '');
  const hits = available.filter((a) => norm(a) === norm(name));
  return hits.length === 1 ? hits[0] : undefined;
}
