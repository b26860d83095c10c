// Crash-safe file writes (SPEC: "shards appear whole or not at all"): write a temp file in the SAME directory (rename
// is only atomic within a filesystem), fsync it, rename it over the target, fsync the directory so the rename itself
// survives a power loss. Temp names start with `.` and end with `.tmp`, so a reader globbing `*.arrow` never sees one
// and `removeTempFiles` can clean up what a crashed writer left.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export function sha256Hex(...parts: (Uint8Array | string)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** sha256 of a file, streamed (shards may be larger than memory would like). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

/** A file whose size and sha256 must still be what a commit record says it wrote. */
export async function readVerified(path: string, want: { bytes: number; sha256: string }, what: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(path));
  if (bytes.byteLength !== want.bytes || sha256Hex(bytes) !== want.sha256) {
    throw new Error(`${what} does not match its commit record (rewritten by a different run?)`);
  }
  return bytes;
}

export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

export async function fsyncDir(dir: string): Promise<void> {
  // not every platform lets a directory be opened and fsynced; the rename is still atomic without it
  try {
    const fd = await open(dir, 'r');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
  } catch {
    /* best effort */
  }
}

/** Writes `data` to `path` atomically (creating the directory if needed). */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // pid + random: concurrent writers of the same target (a retried job) never share a temp file
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = await open(tmp, 'wx');
  try {
    await fd.writeFile(data);
    await fd.sync();
  } finally {
    await fd.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

/** Removes temp files a crashed writer left in `dir` (not recursive); returns their names. */
export async function removeTempFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const temps = names.filter(isTempName).sort();
  for (const n of temps) await rm(join(dir, n), { force: true });
  return temps;
}
