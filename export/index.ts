// The dataset writer's public API: row ↔ Arrow conversion, episode fragments, shard groups, assembling them into a
// dataset directory (or packing all fragments at once).
export { ipcToRecords, recordsToIpc, toIpcStream, toRecordBatch, type PlainRecord } from './arrow-codec.js';
export { removeTempFiles, sha256File, sha256Hex, writeFileAtomic } from './atomic.js';
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
export { MANIFEST_FORMAT, codeVersion, manifestJson, type CodeVersion, type Manifest, type ShardInfo } from './manifest.js';
export { assembleDataset, placeParts, type AssembleOptions, type PackResult, type Placement } from './assemble.js';
export { packDataset, partLimits, type PackOptions } from './pack.js';
export { packGroup, readGroupRecord, shardsDir, type GroupKey, type GroupRecord, type PartLimits } from './shard-group.js';
export { planShards, shardName } from './shard-plan.js';
export { StatsAccumulator, type DatasetStats, type FeatureStats } from './stats.js';
export * from './tables.js';
