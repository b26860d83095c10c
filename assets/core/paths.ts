// Paths an asset refers to must stay inside the library root (or, at import, inside the model's folder): no
// absolute paths, no climbing out through `..`. Windows-style paths are recognised as absolute too, whatever the OS.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Whether `p` names an absolute location on any platform: /x, C:\x, C:/x, \\server\x. */
export function isAbsoluteAnywhere(p: string): boolean {
  return isAbsolute(p) || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\') || p.startsWith('/');
}

/**
 * Resolves `rel` inside `root`; null when it is absolute or leaves `root`. Backslashes count as separators (an
 * OBJ written on Windows says `textures\\wood.png`).
 */
export function resolveInside(root: string, rel: string): string | null {
  if (rel.length === 0 || isAbsoluteAnywhere(rel)) return null;
  const norm = rel.replace(/\\/g, '/');
  const full = resolve(root, norm);
  const r = relative(resolve(root), full);
  if (r === '' || r.startsWith('..') || isAbsolute(r) || r.split(sep).includes('..')) return null;
  return full;
}

/** The last path component of a path written on any platform. */
export function baseNameAnywhere(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1];
}

/**
 * A folder the repository ships under `assets/` (`library/`, `environments/`, `robots/panda/`), from source or from
 * the compiled package: this file is assets/core/paths.ts, or dist/assets/core/paths.js beside the real assets/.
 */
export function shippedFolder(rel: string): string {
  const candidates = [new URL(`../${rel}`, import.meta.url), new URL(`../../../assets/${rel}`, import.meta.url)];
  return fileURLToPath(candidates.find((u) => existsSync(u)) ?? candidates[0]);
}
