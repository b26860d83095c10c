// The one place `convert` meets the dataset writer (export/): episode fragments, then packing into the SPEC dataset
// layout (stage1 shards, episodes.arrow, stats.json, manifest.json). Convert makes no stage-2 frames, so the writer's
// stats.json (stats of stage-2 features) would be empty; it is replaced by the same statistics of the source's
// numeric features (LeRobot's stats.json shape), and manifest.json's entry for it is updated to match.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Field, FixedSizeList, Float64, Schema } from 'apache-arrow';
import { type DatasetStats, type Manifest, StatsAccumulator, manifestJson, packDataset, sha256Hex, writeFileAtomic, writeFragment } from '../export/index.js';
import type { EpisodeOutput } from '../schemas/records.js';
import type { FieldInfo } from './episode.js';

/** Per-element statistics of the source's numeric fields, fed in episode order (so the result is deterministic). */
export class SourceStats {
  private readonly acc: StatsAccumulator;
  constructor(private readonly fields: readonly FieldInfo[]) {
    this.acc = new StatsAccumulator(new Schema(fields.map((f) => new Field(f.name, new FixedSizeList(f.dim, new Field('item', new Float64()))))));
  }

  addEpisode(values: Map<string, number[][]>): void {
    const n = values.get(this.fields[0]?.name ?? '')?.length ?? 0;
    for (let i = 0; i < n; i++) this.acc.addRecord(Object.fromEntries(this.fields.map((f) => [f.name, values.get(f.name)![i]])));
  }

  result(): DatasetStats {
    return this.acc.result();
  }
}

export class DatasetWriter {
  constructor(
    /** the directory being written (a temp directory the caller renames when done) */
    readonly outDir: string,
    readonly workDir = join(outDir, '.work'),
  ) {}

  async commit(output: EpisodeOutput): Promise<void> {
    await writeFragment(this.workDir, output);
  }

  async finish(opts: { config: unknown; extra: Record<string, unknown>; stats: DatasetStats; expectedEpisodes: number }): Promise<Manifest> {
    const { manifest, manifestPath } = await packDataset(this.outDir, {
      workDir: this.workDir,
      config: opts.config,
      extra: opts.extra,
      expectedEpisodes: opts.expectedEpisodes,
      includeFailed: false,
    });
    await rm(this.workDir, { recursive: true, force: true });
    const statsBytes = new TextEncoder().encode(`${JSON.stringify(opts.stats, null, 2)}\n`);
    await writeFileAtomic(join(this.outDir, 'stats.json'), statsBytes);
    const entry = manifest.files.find((f) => f.path === 'stats.json');
    if (entry) Object.assign(entry, { bytes: statsBytes.byteLength, sha256: sha256Hex(statsBytes) });
    else manifest.files.push({ path: 'stats.json', bytes: statsBytes.byteLength, sha256: sha256Hex(statsBytes) });
    await writeFileAtomic(manifestPath, manifestJson(manifest));
    return JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
  }
}
