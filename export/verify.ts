// Reading a finished dataset as its manifest describes it. Every reader of a dataset (`build`'s last check, `export
// lerobot`, and whatever reads shards next) goes through here, so no reader can take a truncated manifest, a shard
// with a flipped bit, or a file the manifest does not list for data: each is one line naming the file.
//   readManifest   manifest.json parsed and its shape checked (format, every listed file with bytes and sha256)
//   readListed     one listed file's bytes, checked against its size and sha256
//   verifyDataset  every listed file checked, and no shard on disk that the manifest does not list
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PlaceError, fsCause } from '../core/errors.js';
import { sha256File, sha256Hex } from './atomic.js';
import { MANIFEST_FORMAT, type Manifest } from './manifest.js';

export interface Listed {
  path: string;
  bytes: number;
  sha256: string;
}

export class DatasetInvalidError extends PlaceError {
  override name = 'DatasetInvalidError';
}

const SHA256 = /^[0-9a-f]{64}$/;
// a listed path stays inside the dataset: `stage1/x.arrow`, never `../x` or `/etc/x`
const LISTED_PATH = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9_./-]+$/;

function checkEntry(where: string, e: unknown, i: number, list: string): Listed {
  const f = e as Partial<Listed> | null;
  const bad = (what: string) => new DatasetInvalidError(where, `${list}[${i}]: ${what}`);
  if (!f || typeof f !== 'object') throw bad('not an object');
  if (typeof f.path !== 'string' || !LISTED_PATH.test(f.path)) throw bad(`path ${JSON.stringify(f.path)} is not a relative path inside the dataset`);
  if (!Number.isSafeInteger(f.bytes) || (f.bytes as number) < 0) throw bad(`${f.path}: bytes ${JSON.stringify(f.bytes)} is not a size`);
  if (typeof f.sha256 !== 'string' || !SHA256.test(f.sha256)) throw bad(`${f.path}: sha256 ${JSON.stringify(f.sha256)} is not 64 hex digits`);
  return f as Listed;
}

/** manifest.json of `dir`, parsed and checked: a spatialgen dataset manifest whose listed files are well-formed. */
export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new DatasetInvalidError(dir, 'not a spatialgen dataset (no manifest.json)');
  let m: Manifest;
  try {
    m = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  } catch (e) {
    throw new DatasetInvalidError(path, `not valid JSON (${(e as Error).message.split('\n')[0]}); truncated or damaged`);
  }
  if (!m || typeof m !== 'object' || m.format !== MANIFEST_FORMAT) {
    throw new DatasetInvalidError(path, `not a spatialgen dataset manifest (format ${JSON.stringify((m as { format?: unknown } | null)?.format)})`);
  }
  if (!Array.isArray(m.shards) || !Array.isArray(m.files)) throw new DatasetInvalidError(path, 'has no shards and files lists');
  const seen = new Set<string>();
  for (const [list, entries] of [['shards', m.shards], ['files', m.files]] as const) {
    entries.forEach((e, i) => {
      const f = checkEntry(path, e, i, list);
      if (seen.has(f.path)) throw new DatasetInvalidError(path, `${list}[${i}]: ${f.path} is listed twice`);
      seen.add(f.path);
    });
  }
  return m;
}

function mismatch(p: string, got: { bytes: number; sha256?: string }, want: Listed): DatasetInvalidError | null {
  if (got.bytes !== want.bytes) return new DatasetInvalidError(p, `${got.bytes} bytes, manifest.json says ${want.bytes}: the file was changed or cut short`);
  if (got.sha256 !== undefined && got.sha256 !== want.sha256) return new DatasetInvalidError(p, 'sha256 differs from manifest.json: the file was changed or damaged');
  return null;
}

/** The bytes of a file the manifest lists, checked against its size and sha256 (read once, whole). */
export async function readListed(dir: string, entry: Listed): Promise<Uint8Array> {
  const p = join(dir, entry.path);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(p));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatasetInvalidError(p, code === 'ENOENT' ? 'listed in manifest.json but missing' : `cannot be read (${fsCause(e)})`);
  }
  const bad = mismatch(p, { bytes: bytes.byteLength, sha256: sha256Hex(bytes) }, entry);
  if (bad) throw bad;
  return bytes;
}

/** Every file the manifest lists checked (streamed: shards may be large), and no unlisted shard on disk. */
export async function verifyDataset(dir: string): Promise<void> {
  const m = await readManifest(dir);
  const listed: Listed[] = [...m.shards, ...m.files];
  for (const f of listed) {
    const p = join(dir, f.path);
    if (!existsSync(p)) throw new DatasetInvalidError(p, 'listed in manifest.json but missing');
    const size = (await stat(p)).size;
    const bad = mismatch(p, { bytes: size }, f) ?? mismatch(p, { bytes: size, sha256: await sha256File(p) }, f);
    if (bad) throw bad;
  }
  const names = new Set(listed.map((f) => f.path));
  for (const sub of ['stage1', 'stage2']) {
    if (!existsSync(join(dir, sub))) continue;
    for (const f of await readdir(join(dir, sub))) {
      if (!names.has(`${sub}/${f}`)) throw new DatasetInvalidError(join(dir, sub, f), 'not listed in manifest.json');
    }
  }
}
