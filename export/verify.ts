// A finished dataset checked against its manifest: every listed file present with its size and sha256, and no
// shard on disk that the manifest does not list. `build` exits 0 only after this passes.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from './atomic.js';

interface Listed {
  path: string;
  bytes: number;
  sha256: string;
}

export class DatasetInvalidError extends Error {
  override name = 'DatasetInvalidError';
}

export async function verifyDataset(dir: string): Promise<void> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new DatasetInvalidError(`${dir}: no manifest.json`);
  const m = JSON.parse(await readFile(manifestPath, 'utf8')) as { shards: Listed[]; files: Listed[] };
  const listed = [...m.shards, ...m.files];
  for (const f of listed) {
    const p = join(dir, f.path);
    if (!existsSync(p)) throw new DatasetInvalidError(`${p}: listed in manifest.json but missing`);
    const size = (await stat(p)).size;
    if (size !== f.bytes) throw new DatasetInvalidError(`${p}: ${size} bytes, manifest says ${f.bytes}`);
    if ((await sha256File(p)) !== f.sha256) throw new DatasetInvalidError(`${p}: sha256 differs from manifest.json`);
  }
  const names = new Set(listed.map((f) => f.path));
  for (const sub of ['stage1', 'stage2']) {
    if (!existsSync(join(dir, sub))) continue;
    for (const f of await readdir(join(dir, sub))) {
      if (!names.has(`${sub}/${f}`)) throw new DatasetInvalidError(`${join(dir, sub, f)}: not listed in manifest.json`);
    }
  }
}
