// `--from auto`: which reader a folder needs, from the files that each format always has.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { DemoDataset, SourceFormat } from '../episode.js';
import type { ReaderOptions } from './common.js';
import { infoVersion } from './lerobot-meta.js';
import { openLerobotV1, v1Splits } from './lerobot-v1.js';
import { openLerobotV2 } from './lerobot-v2.js';
import { openLerobotV3 } from './lerobot-v3.js';
import { isRlds, openRlds } from './rlds.js';

export interface Detected {
  format: SourceFormat;
  /** the folder the reader opens (an RLDS dataset given by its name folder resolves to its only version folder) */
  root: string;
}

export function detectFormat(input: string): Detected {
  const root = resolve(input);
  if (!existsSync(root)) throw new InputError(root, 'input dataset does not exist');
  if (!statSync(root).isDirectory()) throw new InputError(root, 'input dataset must be a folder');
  const v = infoVersion(root);
  if (v !== null) {
    if (v.startsWith('v2')) return { format: 'lerobot-v2', root };
    if (v.startsWith('v3')) return { format: 'lerobot-v3', root };
    throw new InputError(join(root, 'meta/info.json'), `codebase_version "${v}" is not one this converter reads (v2.x, v3.x)`);
  }
  if (isRlds(root)) return { format: 'rlds', root };
  // TFDS keeps datasets as <name>/<version>/: accept the name folder when it holds exactly one version.
  const versions = readdirSync(root).filter((d) => isRlds(join(root, d)));
  if (versions.length === 1) return { format: 'rlds', root: join(root, versions[0]) };
  if (versions.length > 1) throw new InputError(root, `holds several RLDS versions (${versions.join(', ')}): name one`);
  if (v1Splits(root).length > 0) return { format: 'lerobot-v1', root };
  throw new InputError(root, 'not a dataset this converter recognises: expected meta/info.json (LeRobot v2/v3), ' +
    '<split>/state.json + dataset_info.json (LeRobot v1) or features.json + dataset_info.json (RLDS)');
}

export async function openDataset(input: string, from: SourceFormat | 'auto', opts: ReaderOptions): Promise<DemoDataset> {
  const d = from === 'auto' ? detectFormat(input) : { format: from, root: resolve(input) };
  if (!existsSync(d.root)) throw new InputError(d.root, 'input dataset does not exist');
  switch (d.format) {
    case 'lerobot-v1': return openLerobotV1(d.root, opts);
    case 'lerobot-v2': return openLerobotV2(d.root, opts);
    case 'lerobot-v3': return openLerobotV3(d.root, opts);
    case 'rlds': return openRlds(isRlds(d.root) ? d.root : detectFormat(d.root).root, opts);
  }
}
