// The dataset writer's public API: row ↔ Arrow conversion, episode fragments, packing into a dataset directory.
export { ipcToRecords, recordsToIpc, toIpcStream, toRecordBatch, type PlainRecord } from './arrow-codec.js';
export { removeTempFiles, sha256Hex, writeFileAtomic } from './atomic.js';
export {
  fragmentsDir,
  listFragments,
  readFragment,
  readFragmentInfo,
  readFragmentStage1,
  readFragmentStage2,
  writeFragment,
  type FragmentFile,
  type FragmentInfo,
} from './fragment.js';
export { codeVersion, manifestJson, type CodeVersion, type Manifest, type ShardInfo } from './manifest.js';
export { packDataset, type PackOptions, type PackResult } from './pack.js';
export { planShards, shardName } from './shard-plan.js';
export { StatsAccumulator, type DatasetStats, type FeatureStats } from './stats.js';
export * from './tables.js';
