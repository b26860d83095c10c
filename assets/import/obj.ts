// Wavefront OBJ (+ MTL) reader. Survives what real files do: n-gon faces (fanned), negative indices, missing
// normals/uvs, an `mtllib` that does not exist, texture paths written on Windows or as absolute paths. It never
// opens a path outside the model's folder: texture references are resolved by the caller (see model.ts).
import type { Vec3 } from '../../core/math.js';

export interface ObjMaterial {
  name: string;
  /** diffuse colour (Kd), linear 0..1 as written */
  kd?: Vec3;
  /** map_Kd exactly as written (options stripped) */
  mapKd?: string;
}

export interface ObjMesh {
  positions: Float32Array;
  uvs: Float32Array | null;
  normals: Float32Array | null;
  indices: Uint32Array;
  /** material name used by the most triangles */
  material: string | null;
  mtllibs: string[];
  /** count of faces that referenced a vertex index that does not exist */
  badFaces: number;
}

function num(s: string | undefined): number {
  // parseFloat would accept "1.2abc"; Number is strict, and NaN / Infinity surface in validation
  return s === undefined ? NaN : Number(s);
}

export function parseObj(text: string): ObjMesh {
  const v: number[] = [];
  const vt: number[] = [];
  const vn: number[] = [];
  const outPos: number[] = [];
  const outUv: number[] = [];
  const outNor: number[] = [];
  const indices: number[] = [];
  const mtllibs: string[] = [];
  const corner = new Map<string, number>();
  const matUse = new Map<string, number>();
  let current: string | null = null;
  let badFaces = 0;
  let anyUv = false;
  let anyNormal = false;
  const lines = text.split(/\r?\n/);
  for (let li = 0; li < lines.length; li++) {
    let line = lines[li];
    // line continuations
    while (line.endsWith('\\') && li + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++li];
    const t = line.trim();
    if (t.length === 0 || t[0] === '#') continue;
    const parts = t.split(/\s+/);
    switch (parts[0]) {
      case 'v':
        v.push(num(parts[1]), num(parts[2]), num(parts[3]));
        break;
      case 'vt':
        vt.push(num(parts[1]), parts[2] === undefined ? 0 : num(parts[2]));
        break;
      case 'vn':
        vn.push(num(parts[1]), num(parts[2]), num(parts[3]));
        break;
      case 'usemtl':
        current = parts.slice(1).join(' ') || null;
        break;
      case 'mtllib':
        mtllibs.push(t.slice(6).trim());
        break;
      case 'f': {
        const ids: number[] = [];
        let ok = true;
        for (const c of parts.slice(1)) {
          const [si, sti, sni] = c.split('/');
          const resolve = (s: string | undefined, n: number): number | null => {
            if (s === undefined || s === '') return null;
            const k = Number.parseInt(s, 10);
            if (!Number.isFinite(k) || k === 0) return -1;
            const r = k < 0 ? n + k : k - 1;
            return r >= 0 && r < n ? r : -1;
          };
          const pi = resolve(si, v.length / 3);
          const ti = resolve(sti, vt.length / 2);
          const ni = resolve(sni, vn.length / 3);
          if (pi === null || pi < 0 || ti === -1 || ni === -1) {
            ok = false;
            break;
          }
          const key = `${pi}/${ti ?? ''}/${ni ?? ''}`;
          let id = corner.get(key);
          if (id === undefined) {
            id = outPos.length / 3;
            corner.set(key, id);
            outPos.push(v[pi * 3], v[pi * 3 + 1], v[pi * 3 + 2]);
            if (ti !== null) {
              anyUv = true;
              outUv.push(vt[ti * 2], vt[ti * 2 + 1]);
            } else outUv.push(0, 0);
            if (ni !== null) {
              anyNormal = true;
              outNor.push(vn[ni * 3], vn[ni * 3 + 1], vn[ni * 3 + 2]);
            } else outNor.push(0, 0, 0);
          }
          ids.push(id);
        }
        if (!ok || ids.length < 3) {
          badFaces++;
          break;
        }
        // n-gons: a fan (OBJ polygons are convex in practice; bullet3's mug writes quads and pentagons)
        for (let k = 1; k + 1 < ids.length; k++) indices.push(ids[0], ids[k], ids[k + 1]);
        if (current) matUse.set(current, (matUse.get(current) ?? 0) + ids.length - 2);
        break;
      }
      default:
        break;
    }
  }
  let material: string | null = null;
  let best = -1;
  for (const [m, n] of matUse) if (n > best) [material, best] = [m, n];
  return {
    positions: Float32Array.from(outPos),
    uvs: anyUv ? Float32Array.from(outUv) : null,
    normals: anyNormal ? Float32Array.from(outNor) : null,
    indices: Uint32Array.from(indices),
    material,
    mtllibs,
    badFaces,
  };
}

/** map_Kd value without its options (-bm 1, -o u v w, -s …, -clamp on, …). */
function stripMapOptions(rest: string): string {
  const tok = rest.trim().split(/\s+/);
  const takes: Record<string, number> = { '-bm': 1, '-blendu': 1, '-blendv': 1, '-boost': 1, '-cc': 1, '-clamp': 1, '-imfchan': 1, '-mm': 2, '-o': 3, '-s': 3, '-t': 3, '-texres': 1 };
  let i = 0;
  while (i < tok.length && tok[i].startsWith('-') && takes[tok[i]] !== undefined) i += 1 + takes[tok[i]];
  return tok.slice(i).join(' ');
}

export function parseMtl(text: string): Map<string, ObjMaterial> {
  const out = new Map<string, ObjMaterial>();
  let cur: ObjMaterial | null = null;
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t.length === 0 || t[0] === '#') continue;
    const [key] = t.split(/\s+/, 1);
    const rest = t.slice(key.length).trim();
    if (key === 'newmtl') {
      cur = { name: rest };
      out.set(rest, cur);
    } else if (!cur) continue;
    else if (key === 'Kd') {
      const c = rest.split(/\s+/).map(Number);
      if (c.length >= 3 && c.every(Number.isFinite)) cur.kd = [c[0], c[1], c[2]];
    } else if (key === 'map_Kd') cur.mapKd = stripMapOptions(rest);
  }
  return out;
}
