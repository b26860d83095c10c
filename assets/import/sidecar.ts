// What a model is: category, name, synonyms, colour, up axis, units, mass or density, licence. From a sidecar
// next to the model (`<name>.json`, or an `assets.csv` row in its folder or the import root), else from the file
// name ("005_tomato_soup_can_textured.obj" → "tomato soup can", category "can").
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { z } from 'zod';
import { ROLES } from '../core/asset.js';
import { FAMILIES } from '../procedural/index.js';
import { fail } from './problem.js';

export const UP_AXES = ['+y', '+z', '-y', '-z', '+x', '-x'] as const;

export const SidecarSchema = z
  .object({
    category: z.string().min(1),
    name: z.string().min(1),
    synonyms: z.array(z.string().min(1)),
    color: z.string(),
    up: z.enum(UP_AXES),
    /** metres per model unit */
    unit: z.number().positive(),
    /** target largest dimension, metres */
    size: z.number().positive(),
    mass: z.number().positive(),
    density: z.number().positive(),
    licence: z.string(),
    roles: z.array(z.enum(ROLES)),
  })
  .partial();
export type Sidecar = z.infer<typeof SidecarSchema>;

const NOISE = new Set(['textured', 'texture', 'model', 'mesh', 'visual', 'obj', 'final', 'lowpoly', 'highpoly', 'poly', 'lod0', 'lod1', 'scan', 'google', 'new', 'v1', 'v2', 'col', 'collision']);

/** Words of a file name: "005_tomato_soup_can_textured" → ["tomato", "soup", "can"]. */
export function nameWords(file: string): string[] {
  return basename(file, extname(file))
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0 && !/^\d+$/.test(w) && !NOISE.has(w));
}

/** The known category a name mentions (category names and their synonyms; the longest match wins). */
export function categoryFromWords(words: string[]): string | null {
  const text = ` ${words.join(' ')} `;
  let best: { cat: string; len: number } | null = null;
  for (const f of FAMILIES) {
    for (const term of [f.category, ...f.synonyms.filter((s) => !['fruit', 'vegetable', 'board', 'root', 'sphere'].includes(s))]) {
      for (const form of [term, `${term}s`, `${term}es`]) {
        if (text.includes(` ${form} `) && (!best || form.length > best.len)) best = { cat: f.category, len: form.length };
      }
    }
  }
  return best?.cat ?? null;
}

function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim().length === 0) continue;
    const cells: string[] = [];
    let cur = '';
    let q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') q = false;
        else cur += c;
      } else if (c === '"') q = true;
      else if (c === ',') {
        cells.push(cur);
        cur = '';
      } else cur += c;
    }
    cells.push(cur);
    rows.push(cells.map((s) => s.trim()));
  }
  const [head, ...body] = rows;
  return (body ?? []).map((r) => Object.fromEntries((head ?? []).map((h, i) => [h.toLowerCase(), r[i] ?? ''])));
}

function fromCsvRow(r: Record<string, string>): unknown {
  const o: Record<string, unknown> = {};
  for (const k of ['category', 'name', 'color', 'up', 'licence']) if (r[k]) o[k] = r[k];
  for (const k of ['unit', 'size', 'mass', 'density']) if (r[k]) o[k] = Number(r[k]);
  if (r.synonyms) o.synonyms = r.synonyms.split(';').map((s) => s.trim()).filter(Boolean);
  if (r.roles) o.roles = r.roles.split(';').map((s) => s.trim()).filter(Boolean);
  return o;
}

/** The sidecar for `model` (JSON next to it, or a CSV row), validated; {} when there is none. */
export function readSidecar(model: string, importRoot?: string): Sidecar {
  const dir = dirname(model);
  const stem = basename(model, extname(model));
  for (const p of [join(dir, `${stem}.json`), `${model}.json`]) {
    if (!existsSync(p)) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(p, 'utf8'));
    } catch (e) {
      fail('bad-metadata', `sidecar ${basename(p)} is not JSON: ${(e as Error).message}`);
    }
    const r = SidecarSchema.safeParse(raw);
    if (!r.success) fail('bad-metadata', `sidecar ${basename(p)}: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
    return r.data;
  }
  for (const csvDir of [dir, ...(importRoot && importRoot !== dir ? [importRoot] : [])]) {
    const csv = join(csvDir, 'assets.csv');
    if (!existsSync(csv)) continue;
    const rel = relative(csvDir, model).replace(/\\/g, '/');
    const row = parseCsv(readFileSync(csv, 'utf8')).find((r) => r.file === rel || r.file === basename(model));
    if (!row) continue;
    const r = SidecarSchema.safeParse(fromCsvRow(row));
    if (!r.success) fail('bad-metadata', `assets.csv row for ${rel}: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
    return r.data;
  }
  return {};
}

/** A licence file in the model's folder (kept with the imported copy). */
export function licenceFile(model: string): string | null {
  const dir = dirname(model);
  const f = readdirSync(dir).find((n) => /^(licen[cs]e|copying)/i.test(n) || /_licen[cs]e/i.test(n));
  return f ? join(dir, f) : null;
}
