// Scene materials → PBR node materials, one per distinct (rgb, roughness, metalness). Objects of the same
// look share a material, so they share a compiled pipeline; the instance id is not a material property (it
// comes from each mesh's userData in the MRT pass), which is what makes this sharing possible.
import { Color, MeshStandardNodeMaterial, SRGBColorSpace } from 'three/webgpu';
import type { Material } from '../../core/scene.js';
import { GenerationalCache } from './cache.js';

export class MaterialCache {
  private readonly cache = new GenerationalCache<string, MeshStandardNodeMaterial>();

  nextGeneration(): void {
    this.cache.nextGeneration();
  }

  get size(): number {
    return this.cache.size;
  }

  dispose(): void {
    this.cache.clear();
  }

  /** With `vertexColors` the mesh's colour attribute carries the colour (accents included), so the material is white. */
  forMaterial(m: Material, vertexColors = false): MeshStandardNodeMaterial {
    const [r, g, b] = vertexColors ? [1, 1, 1] : m.rgb;
    const key = `${r},${g},${b},${m.roughness},${m.metalness},${vertexColors}`;
    return this.cache.get(key, () => {
      const mat = new MeshStandardNodeMaterial({
        // Material.rgb is sRGB; three shades in linear light and the colour target encodes back to sRGB
        color: new Color().setRGB(r, g, b, SRGBColorSpace),
        roughness: m.roughness,
        metalness: m.metalness,
        vertexColors,
      });
      mat.name = m.colorName;
      return mat;
    });
  }
}
