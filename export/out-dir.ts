// The output-folder guard: what a command may do with the folder it writes. `build`, `convert` and `export lerobot`
// ask here before they write anything, and `moveIntoPlace` asks again just before a finished output is renamed into
// place (the folder may have changed while the command ran). One rule set, so no command can be talked into deleting
// what it did not write.
//
// What the folder may be:
//   new      the path does not exist (its nearest existing parent is a folder): the command creates it
//   empty    an empty folder
//   resume   `build` only: an unfinished run of this very build (`.work/build.json` names its build id)
//   replace  only when the user asked to overwrite (`convert --overwrite`): a finished dataset this program wrote,
//            i.e. its `manifest.json` says `"format": "spatialgen-dataset"`
//
// Refused, whatever the options, with one line naming the path:
//   - an empty or blank path;
//   - `/`, the home folder, the current folder, or a folder that holds one of them;
//   - a folder that is, holds or lies inside one of the command's inputs (the dataset read, a calibration, a config);
//   - a path that names a file, or lies under one;
//   - any other non-empty folder (a truncated manifest.json or build.json is named as such).
// Paths are compared after resolving symbolic links, so a link cannot smuggle an input or `/` past the guard.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { rename, rm, rmdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { PlaceError } from '../core/errors.js';
import { isInside, realPath } from '../core/paths.js';
import { MANIFEST_FORMAT } from './manifest.js';

export class OutDirError extends PlaceError {
  override name = 'OutDirError';
}

export type OutState = 'new' | 'empty' | 'resume' | 'replace';

export interface OutRules {
  /** the option the path came from, named in messages (default `--out`) */
  option?: string;
  /** files and folders the command reads: the output may be none of them, hold none and lie inside none */
  inputs?: readonly string[];
  /** may replace a finished spatialgen dataset (default false) */
  overwrite?: boolean;
  /** `build`: the id of the build whose unfinished run in the folder may be resumed */
  resumeBuild?: string;
}

export interface OutDir {
  /** absolute, as the user named it (links not resolved: a queued build stores it for every worker machine) */
  path: string;
  state: OutState;
}

/** Rejects an empty or blank path option in one line; returns it unchanged otherwise. */
function requirePath(value: string, option: string): string {
  if (value.trim() === '') throw new OutDirError(option, 'the path is empty');
  if (/[\0\n\r]/.test(value)) throw new OutDirError(option, `${JSON.stringify(value)} holds a NUL or line break`);
  return value;
}

function readJsonIn(dir: string, rel: string): Record<string, unknown> {
  const p = join(dir, rel);
  try {
    const v = JSON.parse(readFileSync(p, 'utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    throw new Error('not a JSON object');
  } catch (e) {
    throw new OutDirError(p, `cannot be read (${(e as Error).message.split('\n')[0]}); the folder holds a damaged dataset or build: remove it or choose another folder`);
  }
}

/** Decides what a command may do with its output folder, or throws one line saying why it may not. */
export function checkOutDir(given: string, rules: OutRules = {}): OutDir {
  const option = rules.option ?? '--out';
  requirePath(given, option);
  const path = resolve(given);
  const real = realPath(path);
  const refuse = (problem: string) => new OutDirError(path, `${option} ${problem}`);

  const guarded: [string, string][] = [['/', 'the root folder'], [homedir(), 'your home folder'], [process.cwd(), 'the current folder']];
  for (const [p, what] of guarded) {
    if (isInside(realPath(p), real)) throw refuse(real === realPath(p) ? `is ${what}; choose a new or empty folder` : `would hold ${what} (${p}); choose a new or empty folder`);
  }
  for (const input of rules.inputs ?? []) {
    const ri = realPath(input);
    if (isInside(real, ri)) throw refuse(`${real === ri ? 'is' : 'lies inside'} the input ${input}; choose a folder outside it`);
    if (isInside(ri, real)) throw refuse(`holds the input ${input}; choose a folder outside it`);
  }

  if (!existsSync(path)) {
    // the nearest existing parent must be a folder, or creating the path fails half-way with ENOTDIR
    let up = dirname(path);
    while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
    if (!statSync(up).isDirectory()) throw refuse(`lies under ${up}, which is a file`);
    return { path, state: 'new' };
  }
  if (!statSync(path).isDirectory()) throw refuse('names a file, not a folder');
  const entries = readdirSync(path);
  if (entries.length === 0) return { path, state: 'empty' };

  if (entries.includes('manifest.json')) {
    const m = readJsonIn(path, 'manifest.json');
    if (m.format !== MANIFEST_FORMAT) throw refuse(`holds a manifest.json that spatialgen did not write; choose a new or empty folder`);
    if (rules.overwrite) return { path, state: 'replace' };
    const what = typeof m.build_id === 'string' ? ` (build ${m.build_id})` : '';
    throw refuse(`already holds a dataset${what}; choose another folder${rules.resumeBuild === undefined ? ', or add --overwrite to replace it' : ' or remove it'}`);
  }
  if (rules.resumeBuild !== undefined && entries.includes('.work')) {
    const marker = join(path, '.work', 'build.json');
    const prev = existsSync(marker) ? readJsonIn(path, join('.work', 'build.json')).build_id : undefined;
    if (prev === undefined || prev === rules.resumeBuild) return { path, state: 'resume' };
    throw refuse(`holds an unfinished build ${String(prev)}, not this one (${rules.resumeBuild}); choose another folder or remove it`);
  }
  throw refuse(`is not empty and holds no spatialgen dataset; choose a new or empty folder${rules.overwrite ? ' (--overwrite replaces only a dataset spatialgen wrote)' : ''}`);
}

/** A hidden working folder next to `path` (same file system, so renaming it into place is atomic). */
export function siblingTemp(path: string, tag: string): string {
  return join(dirname(path), `.${basename(path)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Renames the finished folder `from` to `out`, checking the output folder again first. An empty folder there is
 * removed; a dataset being replaced is moved aside, the new one renamed in, then the old one removed, so the path
 * never holds half of either.
 */
export async function moveIntoPlace(from: string, out: string, rules: OutRules = {}): Promise<void> {
  const now = checkOutDir(out, { ...rules, resumeBuild: undefined });
  if (now.state === 'empty') await rmdir(now.path);
  if (now.state !== 'replace') {
    await rename(from, now.path);
    return;
  }
  const old = siblingTemp(now.path, 'replaced');
  await rename(now.path, old);
  await rename(from, now.path);
  await rm(old, { recursive: true, force: true });
}
