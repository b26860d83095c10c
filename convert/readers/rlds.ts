// RLDS as written by TFDS: TFRecord shards of `tf.train.Example`, one per episode, whose keys are the flattened
// feature paths (`steps/observation/image_0`, `steps/action`, `episode_metadata/file_path`). `features.json` says
// which keys are per step and their shapes, dtypes and encodings; `dataset_info.json` names the splits, their shard
// files and how many episodes each shard holds (checked, so a shard cut at a record boundary is caught too).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { CameraInfo, DemoDataset, DemoEpisode, FieldInfo } from '../episode.js';
import { type Feature, WireError, decodeExample } from '../protobuf.js';
import { type RecordSpan, readTFRecordAt, scanTFRecords } from '../tfrecord.js';
import { type ReaderOptions, bytesCamera, datasetFile, pyFormat, readJson } from './common.js';

interface LeafFeature {
  /** path below `steps/` (or the episode level), e.g. `observation/image_0` */
  path: string;
  kind: 'tensor' | 'image' | 'text';
  shape: number[];
  dtype: string;
  encoding: string;
}

const INSTRUCTION_NAMES = ['language_instruction', 'instruction', 'natural_language_instruction', 'task'];

/** Flattens a TFDS FeaturesDict JSON into its leaves. `steps` (a Dataset feature) is returned separately. */
function leaves(node: any, prefix: string, out: { steps: LeafFeature[]; episode: LeafFeature[] }, inSteps: boolean): void {
  const cls: string = node?.pythonClassName ?? '';
  if (node?.featuresDict) {
    for (const [k, v] of Object.entries<any>(node.featuresDict.features)) leaves(v, prefix ? `${prefix}/${k}` : k, out, inSteps);
  } else if (node?.sequence && cls.endsWith('Dataset')) {
    leaves(node.sequence.feature, '', out, true);
  } else {
    const shape = ((node?.tensor ?? node?.image)?.shape?.dimensions ?? []).map(Number);
    const leaf: LeafFeature = cls.endsWith('Image')
      ? { path: prefix, kind: 'image', shape, dtype: node.image?.dtype ?? 'uint8', encoding: node.image?.encodingFormat ?? 'png' }
      : cls.endsWith('Text') || node?.tensor?.dtype === 'string' // string Tensors (RT-1 style) are text too
        ? { path: prefix, kind: 'text', shape: [], dtype: 'string', encoding: 'none' }
        : { path: prefix, kind: 'tensor', shape, dtype: node?.tensor?.dtype ?? 'float32', encoding: node?.tensor?.encoding ?? 'none' };
    (inSteps ? out.steps : out.episode).push(leaf);
  }
}

export function isRlds(root: string): boolean {
  return existsSync(join(root, 'features.json')) && existsSync(join(root, 'dataset_info.json'));
}

export async function openRlds(root: string, _opts: ReaderOptions): Promise<DemoDataset> {
  root = resolve(root);
  const featuresPath = join(root, 'features.json');
  const infoPath = join(root, 'dataset_info.json');
  const features = readJson(featuresPath, 'features.json');
  const info = readJson(infoPath, 'dataset_info.json');
  const tree = { steps: [] as LeafFeature[], episode: [] as LeafFeature[] };
  leaves(features, '', tree, false);
  if (tree.steps.length === 0) throw new InputError(featuresPath, 'no `steps` dataset feature: not an RLDS episode layout');
  for (const f of tree.steps) {
    if (f.kind === 'tensor' && f.encoding !== 'none') throw new InputError(featuresPath, `steps/${f.path}: tensor encoding "${f.encoding}" is not supported`);
    if (f.kind === 'tensor' && f.shape.some((d) => !(d >= 1))) throw new InputError(featuresPath, `steps/${f.path}: variable shape [${f.shape}] is not supported`);
  }
  const format = info.fileFormat ?? 'tfrecord';
  if (format !== 'tfrecord') throw new InputError(infoPath, `file format "${format}" is not supported (only tfrecord)`);
  const name: string = info.name ?? 'rlds';

  // Records of every split whose shard files are here; a split with none of its files is skipped and noted.
  const notes: string[] = [];
  const records: { split: string; file: string; record: number; span: RecordSpan }[] = [];
  for (const s of (info.splits ?? []) as { name: string; filepathTemplate?: string; shardLengths?: string[] }[]) {
    const lengths = (s.shardLengths ?? []).map(Number);
    const template = s.filepathTemplate ?? '{DATASET}-{SPLIT}.{FILEFORMAT}-{SHARD_X_OF_Y}';
    const files = lengths.map((_, i) => datasetFile(root, template
      .replace('{DATASET}', name).replace('{SPLIT}', s.name).replace('{FILEFORMAT}', format)
      .replace('{SHARD_X_OF_Y}', `${pyFormat('{x:05d}', { x: i })}-of-${pyFormat('{n:05d}', { n: lengths.length })}`), infoPath, 'shard file'));
    const present = files.filter((f) => existsSync(f));
    if (present.length === 0) {
      notes.push(`split "${s.name}" declared in dataset_info.json has no shard files here; skipped`);
      continue;
    }
    if (present.length < files.length) throw new InputError(files.find((f) => !existsSync(f))!, `shard of split "${s.name}" is missing`);
    files.forEach((file, i) => {
      const spans = scanTFRecords(file); // every CRC checked now, before anything is converted
      if (spans.length !== lengths[i]) throw new InputError(file, `holds ${spans.length} episode${spans.length === 1 ? '' : 's'} but dataset_info.json says ${lengths[i]} (truncated?)`);
      spans.forEach((span, record) => records.push({ split: s.name, file, record, span }));
    });
  }
  if (records.length === 0) throw new InputError(root, 'no TFRecord shard of any split is present');

  const imageLeaves = tree.steps.filter((f) => f.kind === 'image');
  const tensorLeaves = tree.steps.filter((f) => f.kind === 'tensor');
  const textLeaves = tree.steps.filter((f) => f.kind === 'text');
  imageLeaves.sort((a, b) => a.path.localeCompare(b.path)); // features.json key order is arbitrary
  const cameras: CameraInfo[] = imageLeaves.map((f) => ({ key: f.path, height: f.shape[0], width: f.shape[1] }));
  const fields: FieldInfo[] = tensorLeaves.map((f) => ({ name: f.path, dim: f.shape.reduce((a, b) => a * b, 1) }));
  const isInstruction = (f: LeafFeature) => f.kind === 'text' && INSTRUCTION_NAMES.includes(f.path.split('/').pop()!);
  const instructionLeaf = textLeaves.find(isInstruction);
  // some datasets keep the instruction once per episode instead of per step
  const episodeInstructionLeaf = instructionLeaf ? undefined : tree.episode.find(isInstruction);

  return {
    name,
    format: 'rlds',
    root,
    fps: null,
    cameras,
    fields,
    episodeCount: records.length,
    notes,
    async episode(i) {
      const rec = records[i];
      if (!rec) throw new RangeError(`episode ${i} of ${records.length}`);
      const where = `${rec.file}#record ${rec.record}`;
      let ex: Map<string, Feature>;
      try {
        ex = decodeExample(readTFRecordAt(rec.file, rec.span, rec.record));
      } catch (e) {
        if (e instanceof WireError) throw new InputError(where, `not a tf.train.Example (${e.message})`);
        throw e;
      }
      const get = (leaf: LeafFeature, kind: Feature['kind']): Feature['value'] => {
        const key = `steps/${leaf.path}`;
        const f = ex.get(key);
        if (!f) throw new InputError(where, `feature ${key} from features.json is missing`);
        if (f.value.length > 0 && f.kind !== kind) throw new InputError(where, `feature ${key} holds ${f.kind} values, expected ${kind}`);
        return f.value;
      };
      // Step count: any per-step list's length over its per-step size; all must agree.
      const first = tree.steps[0];
      const firstSize = first.kind === 'tensor' ? first.shape.reduce((a, b) => a * b, 1) : 1;
      const T = (ex.get(`steps/${first.path}`)?.value.length ?? 0) / firstSize;
      const fieldMap = new Map<string, number[][]>();
      for (const leaf of tensorLeaves) {
        const dim = leaf.shape.reduce((a, b) => a * b, 1);
        const kind = leaf.dtype.startsWith('float') ? 'float' : 'int64';
        const v = get(leaf, kind) as number[];
        if (v.length !== T * dim) throw new InputError(where, `steps/${leaf.path} has ${v.length} values, expected ${T} steps x ${dim}`);
        fieldMap.set(leaf.path, Array.from({ length: T }, (_, t) => v.slice(t * dim, (t + 1) * dim)));
      }
      const cams = imageLeaves.map((leaf) => {
        const v = get(leaf, 'bytes') as Uint8Array[];
        if (v.length !== T) throw new InputError(where, `steps/${leaf.path} has ${v.length} images for ${T} steps`);
        return bytesCamera(leaf.path, leaf.shape[1], leaf.shape[0], v, where);
      });
      let instruction: string | null = null;
      if (instructionLeaf) {
        const texts = (get(instructionLeaf, 'bytes') as Uint8Array[]).map((b) => new TextDecoder().decode(b).trim());
        instruction = texts.find((s) => s.length > 0) ?? null;
      } else if (episodeInstructionLeaf) {
        const f = ex.get(episodeInstructionLeaf.path);
        const texts = f?.kind === 'bytes' ? f.value.map((b) => new TextDecoder().decode(b).trim()) : [];
        instruction = texts.find((s) => s.length > 0) ?? null;
      }
      const ep: DemoEpisode = {
        dataset: name, index: i, split: rec.split, instruction, fps: null, length: T, timestamps: null, fields: fieldMap, cameras: cams,
      };
      return ep;
    },
  };
}
