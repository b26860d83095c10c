// The asset library scenes sample from: `loadLibrary()` reads the versioned index under the library root (the
// procedural families' entries are always there; imported ones when imported), checks every entry cheaply, keeps
// the valid ones and counts the invalid ones by reason, and instantiates entries into SceneObject material.
// Procedural geometry is regenerated on demand (deterministic, cached); imported geometry is read from its GLB.
import { existsSync } from 'node:fs';
import type { Rng } from '../core/random.js';
import { type AssetEntry, type AssetProblem, type InvalidReason, INDEX_VERSION, type Role, type Split } from './core/asset.js';
import { type RawIndex, readIndex } from './core/index-file.js';
import { resolveInside, shippedFolder } from './core/paths.js';
import { DEFAULT_TEST_SHARE, withSplits } from './core/splits.js';
import { type AssetGeometry, type AssetInstance, type InstanceChoice, instantiate } from './instance.js';
import { readStoredGlb } from './import/glb-store.js';
import { generate } from './procedural/generate.js';
import { type Texture, type TextureKind, makeTexture } from './materials/textures.js';
import sharp from 'sharp';
import { FAMILIES, family } from './procedural/index.js';

/** `assets/library` of this checkout (or of the installed package); SPATIALGEN_ASSET_LIBRARY overrides. */
export function defaultLibraryRoot(): string {
  if (process.env.SPATIALGEN_ASSET_LIBRARY) return process.env.SPATIALGEN_ASSET_LIBRARY;
  return shippedFolder('library/');
}

/** The entries of every procedural family variant, in family order, splits assigned. */
export function proceduralEntries(testShare = DEFAULT_TEST_SHARE): AssetEntry[] {
  const out: AssetEntry[] = [];
  for (const f of FAMILIES) for (let v = 0; v < f.variants; v++) out.push(generate(f, v).entry);
  return withSplits(out, testShare);
}

export interface AssetFilter {
  split?: Split;
  category?: string | string[];
  /** every role listed must be one of the asset's */
  roles?: Role[];
  source?: 'procedural' | 'imported';
}

export interface LoadOptions {
  /** library root (default: defaultLibraryRoot()) */
  root?: string;
  /** re-split with this test share instead of the index's */
  testShare?: number;
}

const SIZE_MIN = 0.002;
const SIZE_MAX = 2.0;

/** Cheap checks of one entry (no geometry is read): what a build can afford for every asset. */
export function checkEntry(e: AssetEntry, root: string): AssetProblem | null {
  const bad = (reason: InvalidReason, detail: string): AssetProblem => ({ asset: e.id, reason, detail });
  if (e.size.some((s) => !Number.isFinite(s))) return bad('non-finite-vertex', `size ${JSON.stringify(e.size)}`);
  if (e.size.some((s) => s < SIZE_MIN || s > SIZE_MAX)) return bad('absurd-size', `size ${e.size.map((s) => s.toFixed(4)).join(' x ')} m is outside ${SIZE_MIN}..${SIZE_MAX} m`);
  if (!(e.mass > 0 && e.mass < 100)) return bad('absurd-size', `mass ${e.mass} kg`);
  if (e.source.kind === 'procedural') {
    const f = family(e.source.family);
    if (!f) return bad('bad-metadata', `no procedural family "${e.source.family}"`);
    if (e.source.variant >= f.variants) return bad('bad-metadata', `${f.category} has ${f.variants} variants, not ${e.source.variant + 1}`);
    return null;
  }
  const file = resolveInside(root, e.source.file);
  if (!file) return bad('outside-root', `model path "${e.source.file}" leaves the library root`);
  if (!existsSync(file)) return bad('missing-file', `model ${e.source.file} does not exist`);
  for (const t of [...e.source.textures, ...(e.material.texture ? [e.material.texture] : [])]) {
    const tp = resolveInside(root, t);
    if (!tp) return bad('outside-root', `texture path "${t}" leaves the library root`);
    if (!existsSync(tp)) return bad('missing-texture', `texture ${t} does not exist`);
  }
  return null;
}

export class AssetLibrary {
  private readonly byId = new Map<string, AssetEntry>();
  private readonly cache = new Map<string, AssetGeometry>();
  /** invalid assets skipped, counted by reason (a build copies this into its manifest) */
  readonly invalid: Partial<Record<InvalidReason, number>> = {};

  constructor(
    readonly root: string,
    readonly testShare: number,
    entries: AssetEntry[],
    /** one line per skipped asset */
    readonly problems: AssetProblem[],
  ) {
    for (const e of entries) this.byId.set(e.id, e);
    for (const p of problems) this.invalid[p.reason] = (this.invalid[p.reason] ?? 0) + 1;
  }

  get version(): number {
    return INDEX_VERSION;
  }

  /** Valid assets matching `filter`, in index order. */
  assets(filter: AssetFilter = {}): AssetEntry[] {
    const cats = filter.category === undefined ? null : new Set(Array.isArray(filter.category) ? filter.category : [filter.category]);
    return [...this.byId.values()].filter(
      (e) =>
        (filter.split === undefined || e.split === filter.split) &&
        (cats === null || cats.has(e.category)) &&
        (filter.roles === undefined || filter.roles.every((r) => e.roles.includes(r))) &&
        (filter.source === undefined || e.source.kind === filter.source),
    );
  }

  categories(): string[] {
    return [...new Set([...this.byId.values()].map((e) => e.category))];
  }

  get(id: string): AssetEntry {
    const e = this.byId.get(id);
    if (!e) throw new Error(`no asset "${id}" in the library at ${this.root}`);
    return e;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Render mesh + collider of an entry (cached per id). */
  geometry(entry: AssetEntry | string): AssetGeometry {
    const e = typeof entry === 'string' ? this.get(entry) : entry;
    let g = this.cache.get(e.id);
    if (!g) {
      if (e.source.kind === 'procedural') {
        const gen = generate(family(e.source.family)!, e.source.variant);
        g = { mesh: gen.mesh, collider: gen.collider, exactPrimitive: gen.exactPrimitive };
      } else {
        const stored = readStoredGlb(resolveInside(this.root, e.source.file)!);
        g = { mesh: stored.mesh, collider: stored.collider, exactPrimitive: false };
      }
      this.cache.set(e.id, g);
    }
    return g;
  }

  /**
   * The texture image of an instance (RGBA), if it has one: the procedural pattern tinted with the instance's
   * colour, or the imported file. For renderers that take textures (Material has no texture field yet).
   */
  async textureImage(inst: AssetInstance, size = 256): Promise<Texture | null> {
    if (!inst.texture) return null;
    if ('pattern' in inst.texture) return makeTexture(inst.texture.pattern as TextureKind, inst.texture.rgb, inst.texture.seed, size);
    const { data, info } = await sharp(inst.texture.file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }

  /** An entry made concrete for one scene: colour and material drawn by `choice`, Shape, mass, collider parts. */
  instantiate(entry: AssetEntry | string, choice: InstanceChoice | Rng = {}): AssetInstance {
    const e = typeof entry === 'string' ? this.get(entry) : entry;
    return instantiate(e, this.geometry(e), choice, this.root);
  }
}

/**
 * Loads the library. Without an index file under the root (a fresh root), the procedural entries are generated in
 * memory. Entries that fail the schema or the cheap checks are skipped and counted in `invalid`.
 */
export function loadLibrary(opts: LoadOptions = {}): AssetLibrary {
  const root = opts.root ?? defaultLibraryRoot();
  let raw: RawIndex = readIndex(root);
  if (!raw.index) raw = { index: { format: 'spatialgen-asset-index', version: INDEX_VERSION, testShare: DEFAULT_TEST_SHARE, assets: proceduralEntries() }, rejected: [] };
  const index = raw.index!;
  const problems: AssetProblem[] = raw.rejected.map((r) => ({ asset: r.id, reason: 'bad-metadata', detail: r.detail }));
  const seen = new Set<string>();
  const valid: AssetEntry[] = [];
  for (const e of index.assets) {
    if (seen.has(e.id)) {
      problems.push({ asset: e.id, reason: 'bad-metadata', detail: 'id listed twice in the index' });
      continue;
    }
    seen.add(e.id);
    const p = checkEntry(e, root);
    if (p) problems.push(p);
    else valid.push(e);
  }
  const share = opts.testShare ?? index.testShare;
  const entries = opts.testShare === undefined ? valid : withSplits(valid, share);
  return new AssetLibrary(root, share, entries, problems);
}
