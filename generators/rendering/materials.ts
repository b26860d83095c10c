// Scene materials → PBR node materials, one per distinct (rgb, roughness, metalness, texture, glTF maps). Objects of the same
// look share a material, so they share a compiled pipeline; the instance id is not a material property (it
// comes from each mesh's userData in the MRT pass), which is what makes this sharing possible. Materials with the same
// texture share its one GPU texture (textures.ts).
import { Color, MeshStandardNodeMaterial, SRGBColorSpace, Vector2 } from 'three/webgpu';
import type { Material } from '../../core/scene.js';
import { GenerationalCache } from './cache.js';
import { type TextureCache, textureKey } from './textures.js';

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

  /**
   * With `vertexColors` the mesh's colour attribute carries the colour (accents included), and with a texture the
   * image does: the material's own colour is white then.
   */
  forMaterial(m: Material, textures: TextureCache, vertexColors = false): MeshStandardNodeMaterial {
    const [r, g, b] = vertexColors || m.texture ? [1, 1, 1] : m.rgb;
    const tex = m.texture ? textureKey(m.texture) : '';
    const maps = m.maps;
    const key = `${r},${g},${b},${m.roughness},${m.metalness},${vertexColors},${tex},${maps?.metallicRoughness ?? ''},${maps?.normal ?? ''},${maps?.normalScale ?? ''}`;
    return this.cache.get(key, () => {
      const mr = maps?.metallicRoughness ? textures.forData(maps.metallicRoughness) : undefined;
      const s = maps?.normalScale ?? 1;
      const mat = new MeshStandardNodeMaterial({
        // Material.rgb is sRGB; three shades in linear light and the colour target encodes back to sRGB
        color: new Color().setRGB(r, g, b, SRGBColorSpace),
        roughness: m.roughness,
        metalness: m.metalness,
        vertexColors,
        ...(m.texture ? { map: textures.forRef(m.texture) } : {}),
        // glTF packs both in one image; three reads roughness from G and metalness from B, as glTF says
        ...(mr ? { roughnessMap: mr, metalnessMap: mr } : {}),
        // our meshes carry no tangents: three derives them from screen-space derivatives, where glTF's +y (uv v runs
        // down the image, flipY off) is three's −y (three's GLTFLoader flips it the same way)
        ...(maps?.normal ? { normalMap: textures.forData(maps.normal), normalScale: new Vector2(s, -s) } : {}),
      });
      mat.name = m.colorName;
      return mat;
    });
  }
}
