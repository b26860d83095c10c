// Scene materials → PBR node materials, one per distinct (rgb, roughness, metalness, texture, glTF maps). Objects of the same
// look share a material, so they share a compiled pipeline; the instance id is not a material property (it
// comes from each mesh's userData in the MRT pass), which is what makes this sharing possible. Materials with the same
// texture share its one GPU texture (textures.ts).
import { Color, MeshStandardNodeMaterial, SRGBColorSpace, Vector2 } from 'three/webgpu';
import type { Material } from '../../core/scene.js';
import { GenerationalCache } from './cache.js';
import { type TextureCache, textureKey } from './textures.js';
import { attribute, mix, texture, vec4 } from 'three/tsl';
import { TEXTURE_WEIGHT } from './geometry.js';

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
   * image does: the material's own colour is white then. `partlyTextured`: the mesh's accent parts show no texture
   * (Shape.texturedTriangles), weighed per vertex.
   */
  forMaterial(m: Material, textures: TextureCache, vertexColors = false, partlyTextured = false): MeshStandardNodeMaterial {
    const [r, g, b] = vertexColors || m.texture ? [1, 1, 1] : m.rgb;
    const tex = m.texture ? textureKey(m.texture) : '';
    const maps = m.maps;
    const weighted = partlyTextured && m.texture !== undefined;
    const key = `${r},${g},${b},${m.roughness},${m.metalness},${vertexColors},${tex},${weighted},${maps?.metallicRoughness ?? ''},${maps?.normal ?? ''},${maps?.normalScale ?? ''}`;
    return this.cache.get(key, () => {
      const map = m.texture ? textures.forRef(m.texture) : undefined;
      const mr = maps?.metallicRoughness ? textures.forData(maps.metallicRoughness) : undefined;
      const s = maps?.normalScale ?? 1;
      const mat = new MeshStandardNodeMaterial({
        // Material.rgb is sRGB; three shades in linear light and the colour target encodes back to sRGB
        color: new Color().setRGB(r, g, b, SRGBColorSpace),
        roughness: m.roughness,
        metalness: m.metalness,
        vertexColors,
        ...(map && !weighted ? { map } : {}),
        // glTF packs both in one image; three reads roughness from G and metalness from B, as glTF says
        ...(mr ? { roughnessMap: mr, metalnessMap: mr } : {}),
        // our meshes carry no tangents: three derives them from screen-space derivatives, where glTF's +y (uv v runs
        // down the image, flipY off) is three's −y (three's GLTFLoader flips it the same way)
        ...(maps?.normal ? { normalMap: textures.forData(maps.normal), normalScale: new Vector2(s, -s) } : {}),
      });
      // a mesh whose accent parts show no texture: each vertex weighs the image (geometry.ts TEXTURE_WEIGHT), white
      // where it weighs nothing, and the vertex colours (white on the textured part) multiply the result
      if (map && weighted) mat.colorNode = mix(vec4(1, 1, 1, 1), texture(map), attribute<'float'>(TEXTURE_WEIGHT, 'float'));
      mat.name = m.colorName;
      return mat;
    });
  }
}
