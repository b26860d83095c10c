// The library index: `<root>/index.json`, versioned, one asset per line, keys sorted, so the same library is the
// same bytes (diffable, hashable). Written atomically (temporary file + rename): a crash never leaves half an index.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type AssetEntry, type AssetIndex, AssetIndexSchema, INDEX_VERSION } from './asset.js';
import { canonicalJson } from '../../schemas/identity.js';
import { PlaceError, fsCause } from '../../core/errors.js';

export const INDEX_FILE = 'index.json';

/**
 * The library as a whole cannot be used (its index is unreadable, of another version, or it has nothing a build can
 * draw): a fault of the machine's setup, not of one episode, so a build stops with this line instead of recording
 * it as the failure of every episode.
 */
export class LibraryError extends PlaceError {
  override name = 'LibraryError';
}

export function indexPath(root: string): string {
  return join(root, INDEX_FILE);
}

/** Serialises an index: a header line, then one canonical-JSON asset per line. */
export function formatIndex(index: AssetIndex): string {
  const head = `{"format":"spatialgen-asset-index","version":${INDEX_VERSION},"testShare":${JSON.stringify(index.testShare)},"assets":[`;
  const lines = index.assets.map((a, i) => canonicalJson(a) + (i + 1 < index.assets.length ? ',' : ''));
  return `${head}\n${lines.join('\n')}\n]}\n`;
}

export interface RawIndex {
  index: AssetIndex | null;
  /** entries that failed the schema, kept as raw JSON with the reason */
  rejected: { id: string; detail: string }[];
}

/**
 * Reads `<root>/index.json` leniently: a malformed entry is rejected on its own (and counted), it does not make
 * the whole library unreadable. A missing file gives `index: null`; an unreadable or wrong-version file throws.
 */
export function readIndex(root: string): RawIndex {
  const p = indexPath(root);
  if (!existsSync(p)) return { index: null, rejected: [] };
  let text: string;
  try {
    text = readFileSync(p, 'utf8');
  } catch (e) {
    throw new LibraryError(p, `asset index cannot be read (${fsCause(e)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LibraryError(p, `asset index is not valid JSON (${(e as Error).message.split('\n')[0]}); \`spatialgen assets reindex\` rewrites it`);
  }
  const r = (raw ?? {}) as { format?: unknown; version?: unknown; testShare?: unknown; assets?: unknown };
  if (r.format !== 'spatialgen-asset-index') throw new LibraryError(p, 'not a spatialgen asset index');
  if (r.version !== INDEX_VERSION) throw new LibraryError(p, `asset index version ${String(r.version)}; this spatialgen reads version ${INDEX_VERSION}`);
  const assets: AssetEntry[] = [];
  const rejected: RawIndex['rejected'] = [];
  for (const a of Array.isArray(r.assets) ? r.assets : []) {
    const one = AssetIndexSchema.shape.assets.element.safeParse(a);
    if (one.success) assets.push(one.data);
    else {
      const id = typeof (a as { id?: unknown })?.id === 'string' ? (a as { id: string }).id : '(no id)';
      const issue = one.error.issues[0];
      rejected.push({ id, detail: `${issue.path.join('.') || 'entry'}: ${issue.message}` });
    }
  }
  const testShare = typeof r.testShare === 'number' && r.testShare >= 0 && r.testShare <= 1 ? r.testShare : 0.2;
  return { index: { format: 'spatialgen-asset-index', version: INDEX_VERSION, testShare, assets }, rejected };
}

export function writeIndex(root: string, index: AssetIndex): void {
  const p = indexPath(root);
  mkdirSync(dirname(p), { recursive: true });
  const tmp = `${p}.${process.pid}.tmp`;
  writeFileSync(tmp, formatIndex(index));
  renameSync(tmp, p);
}
