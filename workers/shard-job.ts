// The shard job: one group of a build's episodes (schemas/identity.ts shardGroups) → its committed shard parts and stats
// state (export/shard-group.ts). The parent of the group's episode jobs, so it starts once they have all finished,
// and shared by the embedded runner and the queue workers, so both write the same bytes.
//
// An episode that failed for good (its job ran out of retries: a crash, a timeout) left no fragment; it gets a
// failure fragment here, with the reason, so `episodes.arrow` lists every attempted episode and the count is exact.
// Idempotent: a group whose record is committed is done (finalize may already have moved its parts), and packing
// again writes the same bytes.
import type { BuildConfig } from '../schemas/config.js';
import { buildId, episodeId } from '../schemas/identity.js';
import { readFragmentInfo, writeFragment, type FragmentInfo } from '../export/fragment.js';
import { partLimits } from '../export/pack.js';
import { groupName, packGroup, readGroupRecord, type GroupKey, type GroupRecord } from '../export/shard-group.js';
import { failedOutput } from './failed-episode.js';
import { shardGroup } from '../schemas/identity.js';
import { workDirOf } from './work-dir.js';
import { UnrecoverableJobError } from './job-errors.js';

export async function packShardGroup(config: BuildConfig, outDir: string, key: GroupKey, failedForGood: ReadonlyMap<number, string> = new Map()): Promise<GroupRecord> {
  const id = buildId(config);
  const g = shardGroup(config, key.split, key.group);
  if (!g) throw new UnrecoverableJobError(`build ${id} has no shard group ${groupName(key)}`);
  const workDir = workDirOf(outDir);
  const done = await readGroupRecord(workDir, key);
  if (done) return done;
  for (const [index, reason] of [...failedForGood].sort(([a], [b]) => a - b)) {
    if (!g.indices.includes(index)) continue;
    // a fragment committed by an earlier attempt wins: the episode did finish
    if (await readFragmentInfo(workDir, episodeId(id, index))) continue;
    await writeFragment(workDir, failedOutput(config, index, `error: ${reason.split('\n')[0]}`));
  }
  const infos: FragmentInfo[] = [];
  const missing: number[] = [];
  for (const i of g.indices) {
    const info = await readFragmentInfo(workDir, episodeId(id, i));
    if (info) infos.push(info);
    else missing.push(i);
  }
  if (missing.length > 0) {
    throw new Error(`shard group ${groupName(key)} of build ${id}: episode ${missing[0]}${missing.length > 1 ? ` and ${missing.length - 1} more have` : ' has'} no committed fragment`);
  }
  return packGroup(workDir, key, infos, { limits: partLimits(config.output.rows_per_shard) });
}
