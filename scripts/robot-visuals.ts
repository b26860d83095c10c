// Makes the Panda's render meshes (assets/robots/panda/*.glb) from the bullet3 Panda URDF's visual meshes
// (../shared/fixtures/robots/franka_panda, Apache-2.0): each link's OBJ read with three's OBJLoader, coloured per
// vertex (the MTL's Kd times its palette texture at the vertex's uv: white shells, dark grey joints and fingers),
// simplified with meshoptimizer to at most TRIANGLES triangles, stored as a GLB with POSITION, NORMAL, COLOR_0.
// Meshes stay in their link frames (the URDF gives these visuals no origin; the right finger's turn is applied where
// the model uses the mesh). Run once when the source meshes change:
//   node --import tsx scripts/robot-visuals.ts [URDF_DIR]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { BufferAttribute, BufferGeometry, type Mesh } from 'three';
import { OBJLoader } from 'three/examples/jsm/loaders/OBJLoader.js';
import { mergeVertices } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import { MeshoptSimplifier } from 'meshoptimizer';
import { Document, NodeIO, VertexLayout } from '@gltf-transform/core';
import { srgbToLinear } from '../core/color.js';

const TRIANGLES = 2000;
const src = process.argv[2] ?? '../shared/fixtures/robots/franka_panda';
const out = 'assets/robots/panda';
/** link → its visual mesh in the URDF (link0 and link7 have only their collision meshes, as in the URDF) */
const LINKS: Record<string, string> = {
  link0: 'collision/link0.obj', link1: 'visual/link1.obj', link2: 'visual/link2.obj', link3: 'visual/link3.obj',
  link4: 'visual/link4.obj', link5: 'visual/link5.obj', link6: 'visual/link6.obj', link7: 'collision/link7.obj',
  hand: 'visual/hand.obj', finger: 'visual/finger.obj',
};

/** newmtl → [Kd, has the palette texture] */
function readMtl(file: string): Map<string, { kd: number[]; map: boolean }> {
  const out = new Map<string, { kd: number[]; map: boolean }>();
  let cur: { kd: number[]; map: boolean } | null = null;
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out; // a collision mesh names an MTL that is not shipped: white
  }
  for (const line of text.split('\n')) {
    const [k, ...v] = line.trim().split(/\s+/);
    if (k === 'newmtl') out.set(v.join(' '), (cur = { kd: [1, 1, 1], map: false }));
    else if (k === 'Kd' && cur) cur.kd = v.slice(0, 3).map(Number);
    else if (k === 'map_Kd' && cur) cur.map = true;
  }
  return out;
}

const palette = await sharp(join(src, 'meshes/visual/colors.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
function paletteAt(u: number, v: number): number[] {
  const { width: w, height: h } = palette.info;
  const x = Math.min(w - 1, Math.max(0, Math.floor((u - Math.floor(u)) * w)));
  const y = Math.min(h - 1, Math.max(0, Math.floor((1 - (v - Math.floor(v))) * h))); // OBJ v runs up
  const o = (y * w + x) * 3;
  return [palette.data[o] / 255, palette.data[o + 1] / 255, palette.data[o + 2] / 255];
}

await MeshoptSimplifier.ready;
for (const [name, rel] of Object.entries(LINKS)) {
  // `l` (polyline) records would make OBJLoader turn their whole object into lines, faces and all (link5 has some)
  const objText = readFileSync(join(src, 'meshes', rel), 'utf8').replace(/^l .*$/gm, '');
  const mtlName = /^mtllib\s+(.+)$/m.exec(objText)?.[1]?.trim();
  const mtl = mtlName ? readMtl(join(src, 'meshes', rel, '..', mtlName)) : new Map();
  const group = new OBJLoader().parse(objText);
  const positions: number[] = [], colors: number[] = [];
  group.traverse((node) => {
    const mesh = node as Mesh;
    if (!mesh.isMesh) return;
    const g = mesh.geometry as BufferGeometry;
    const pos = g.getAttribute('position'), uv = g.getAttribute('uv');
    const mats = Array.isArray(mesh.material) ? mesh.material : [mesh.material];
    const groups = g.groups.length ? g.groups : [{ start: 0, count: pos.count, materialIndex: 0 }];
    for (const grp of groups) {
      const m = mtl.get(mats[grp.materialIndex ?? 0]?.name ?? '') ?? { kd: [1, 1, 1], map: false };
      for (let i = grp.start; i < grp.start + grp.count; i++) {
        positions.push(pos.getX(i), pos.getY(i), pos.getZ(i));
        const t = m.map && uv ? paletteAt(uv.getX(i), uv.getY(i)) : [1, 1, 1];
        colors.push(...[0, 1, 2].map((k) => srgbToLinear(m.kd[k] * t[k])));
      }
    }
  });
  // weld corners that agree in position and colour, then simplify keeping the colour borders
  let geo = new BufferGeometry();
  geo.setAttribute('position', new BufferAttribute(new Float32Array(positions), 3));
  geo.setAttribute('color', new BufferAttribute(new Float32Array(colors), 3));
  geo = mergeVertices(geo, 1e-5);
  const p = geo.getAttribute('position').array as Float32Array;
  const c = geo.getAttribute('color').array as Float32Array;
  const index = new Uint32Array(geo.getIndex()!.array);
  const [simplified] = index.length / 3 > TRIANGLES
    ? MeshoptSimplifier.simplifyWithAttributes(index, p, 3, c, 3, [1, 1, 1], null, TRIANGLES * 3, 0.02)
    : [index];
  // compact: only the vertices the simplified triangles use
  const remap = new Map<number, number>();
  const idx = new Uint32Array(simplified.length);
  const P: number[] = [], C: number[] = [];
  simplified.forEach((v, k) => {
    let n = remap.get(v);
    if (n === undefined) {
      n = remap.size;
      remap.set(v, n);
      P.push(p[3 * v], p[3 * v + 1], p[3 * v + 2]);
      C.push(c[3 * v], c[3 * v + 1], c[3 * v + 2]);
    }
    idx[k] = n;
  });
  const final = new BufferGeometry();
  final.setAttribute('position', new BufferAttribute(new Float32Array(P), 3));
  final.setIndex(new BufferAttribute(idx, 1));
  final.computeVertexNormals();
  const doc = new Document();
  const buffer = doc.createBuffer();
  const prim = doc.createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(new Float32Array(P)).setBuffer(buffer))
    .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(final.getAttribute('normal').array as Float32Array).setBuffer(buffer))
    .setAttribute('COLOR_0', doc.createAccessor().setType('VEC3').setArray(new Float32Array(C)).setBuffer(buffer))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(idx).setBuffer(buffer))
    .setMaterial(doc.createMaterial('panda').setRoughnessFactor(0.45).setMetallicFactor(0.05));
  doc.createScene(name).addChild(doc.createNode(name).setMesh(doc.createMesh(name).addPrimitive(prim)));
  const bytes = await new NodeIO().setVertexLayout(VertexLayout.SEPARATE).writeBinary(doc);
  writeFileSync(join(out, `${name}.glb`), bytes);
  console.log(`${name}: ${index.length / 3} → ${idx.length / 3} triangles, ${P.length / 3} vertices, ${bytes.length} bytes`);
}
