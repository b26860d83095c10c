// How many rows go into each shard of one (kind, split): decided up front from the fragments' row counts and byte
// sizes (so shard names can carry `-of-NNNNN`), and only from those, so the plan is the same on every run.
export interface ShardPlanInput {
  rows: number;
  /** encoded bytes of these rows (a fragment file's size); spread evenly over them for the byte target */
  bytes: number;
}

export interface ShardLimits {
  /** at most this many rows per shard */
  rowsPerShard: number;
  /** close a shard before it would pass this many (estimated) bytes; a single row may exceed it alone */
  targetShardBytes?: number;
}

/**
 * Row counts of the shards, in order; none when there are no rows: a 0-row shard makes HF `load_dataset` fail on the
 * whole dataset ("Instruction "test" corresponds to no data"), while a split without files is simply not listed.
 */
export function planShards(inputs: readonly ShardPlanInput[], limits: ShardLimits): number[] {
  const { rowsPerShard, targetShardBytes } = limits;
  if (!Number.isInteger(rowsPerShard) || rowsPerShard < 1) throw new Error(`rowsPerShard must be a positive integer`);
  const shards: number[] = [];
  let rows = 0;
  let bytes = 0;
  for (const { rows: n, bytes: b } of inputs) {
    const rowBytes = n > 0 ? Math.ceil(b / n) : 0;
    for (let i = 0; i < n; i++) {
      const full = rows === rowsPerShard || (targetShardBytes !== undefined && rows > 0 && bytes + rowBytes > targetShardBytes);
      if (full) {
        shards.push(rows);
        rows = 0;
        bytes = 0;
      }
      rows++;
      bytes += rowBytes;
    }
  }
  if (rows > 0) shards.push(rows);
  return shards;
}

/** `<split>-00000-of-00003.arrow`, the HF naming. */
export function shardName(split: string, index: number, count: number): string {
  const p = (n: number) => String(n).padStart(5, '0');
  return `${split}-${p(index)}-of-${p(count)}.arrow`;
}
