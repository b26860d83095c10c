// Held-out test split for unseen-object evaluation: within each category a fixed share of assets is `test`.
// Which ones is decided by a hash of the id alone, so adding or re-hashing other assets moves at most a few,
// and the same library gives the same split on every machine.
import { createHash } from 'node:crypto';
import type { AssetEntry, Split } from './asset.js';

export const DEFAULT_TEST_SHARE = 0.2;

function rank(id: string): string {
  return createHash('sha256').update(`split:${id}`).digest('hex');
}

/** How many of a category's n assets are held out: round(share·n), at least one when share > 0 and n ≥ 2, never all. */
export function testCount(n: number, share: number): number {
  if (share <= 0 || n < 2) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(share * n)));
}

/** Split per asset id. */
export function assignSplits(entries: Pick<AssetEntry, 'id' | 'category'>[], share: number): Map<string, Split> {
  const byCat = new Map<string, string[]>();
  for (const e of entries) {
    const l = byCat.get(e.category) ?? [];
    l.push(e.id);
    byCat.set(e.category, l);
  }
  const out = new Map<string, Split>();
  for (const ids of byCat.values()) {
    const sorted = [...ids].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
    const k = testCount(sorted.length, share);
    sorted.forEach((id, i) => out.set(id, i < k ? 'test' : 'train'));
  }
  return out;
}

export function withSplits<T extends Pick<AssetEntry, 'id' | 'category' | 'split'>>(entries: T[], share: number): T[] {
  const s = assignSplits(entries, share);
  return entries.map((e) => ({ ...e, split: s.get(e.id)! }));
}
