// Triangle meshes of scene shapes in the object frame (z up), from three.js's geometry generators. One source of
// triangles for everything that needs them: the renderer's meshes and the annotator's silhouettes.
import { BoxGeometry, BufferGeometry, CapsuleGeometry, ConeGeometry, CylinderGeometry, Float32BufferAttribute, SphereGeometry, Uint32BufferAttribute } from 'three';
import type { Shape } from '../../core/scene.js';

const SEGMENTS = 32;

/** A three BufferGeometry for the shape, standing along +z like the scene's shapes. */
export function shapeGeometry(shape: Shape): BufferGeometry {
  let g: BufferGeometry;
  switch (shape.kind) {
    case 'box':
      return new BoxGeometry(shape.size[0], shape.size[1], shape.size[2]);
    case 'sphere':
      return new SphereGeometry(shape.radius, SEGMENTS, SEGMENTS / 2);
    case 'cylinder':
      g = new CylinderGeometry(shape.radius, shape.radius, shape.height, SEGMENTS);
      break;
    case 'capsule':
      g = new CapsuleGeometry(shape.radius, shape.height, 8, SEGMENTS);
      break;
    case 'cone':
      g = new ConeGeometry(shape.radius, shape.height, SEGMENTS);
      break;
    case 'mesh': {
      g = new BufferGeometry();
      g.setAttribute('position', new Float32BufferAttribute(shape.positions, 3));
      g.setIndex(new Uint32BufferAttribute(shape.indices, 1));
      if (shape.normals) g.setAttribute('normal', new Float32BufferAttribute(shape.normals, 3));
      else g.computeVertexNormals();
      return g;
    }
  }
  // three's round shapes stand along +y; rotate +y onto +z
  g.rotateX(Math.PI / 2);
  return g;
}

/** Triangles as flat xyz triples (3 vertices per triangle), object frame. */
export function shapeTriangles(shape: Shape): Float32Array {
  const g = shapeGeometry(shape);
  const pos = g.getAttribute('position');
  const index = g.getIndex();
  const n = index ? index.count : pos.count;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const v = index ? index.getX(i) : i;
    out[i * 3] = pos.getX(v);
    out[i * 3 + 1] = pos.getY(v);
    out[i * 3 + 2] = pos.getZ(v);
  }
  g.dispose();
  return out;
}
