// Scene materials → PBR node materials, one per distinct (rgb, roughness, metalness, texture, glTF maps, relief). Objects of the same
// look share a material, so they share a compiled pipeline; the instance id is not a material property (it
// comes from each mesh's userData in the MRT pass), which is what makes this sharing possible. Materials with the same
// texture share its one GPU texture (textures.ts).
import { Color, type DataTexture, type EnvironmentNode, MeshStandardNodeMaterial, type NodeBuilder, SRGBColorSpace, Vector2 } from 'three/webgpu';
import type { Material } from '../../core/scene.js';
import { GenerationalCache } from './cache.js';
import { type TextureCache, textureKey } from './textures.js';
import { attribute, diffuseColor, materialReference, mix, vec3 } from 'three/tsl';
import { TEXTURE_WEIGHT } from './geometry.js';
import { RoomLightNode } from './irradiance.js';

/**
 * three's PBR material lit by an environment map with its diffuse part from spherical harmonics (irradiance.ts): the
 * room light of every spatialgen material.
 */
class RoomMaterial extends MeshStandardNodeMaterial {
  override setupEnvironment(builder: NodeBuilder) {
    const env = super.setupEnvironment(builder) as EnvironmentNode | null;
    return env ? new RoomLightNode(env.envNode) : null;
  }

  override customProgramCacheKey(): string {
    return `${super.customProgramCacheKey()}|room`;
  }
}

/**
 * A PBR material whose base colour is an opaque image, optionally weighed per vertex (a textured mesh's accent parts:
 * geometry.ts TEXTURE_WEIGHT, white where a vertex weighs nothing, its vertex colour multiplying the result). Not as
 * three's `map` or a `colorNode`: three's shadow pass gives a material with either a shadow program of its own that
 * samples the image's alpha (Renderer._getShadowNodes), one more pipeline and a texture fetch per shadow texel for
 * every textured object, for an alpha that is always 1 here. Multiplied in at the diffuse colour, the image leaves the
 * shadow pass its one shared depth-only program.
 */
class ImageMaterial extends RoomMaterial {
  constructor(
    params: ConstructorParameters<typeof MeshStandardNodeMaterial>[0],
    /** read through a material reference: three shares one compiled program among materials of the same kind, and a
     * texture node made here would show the first material's image on all of them */
    readonly image: DataTexture,
    private readonly weighted: boolean,
  ) {
    super(params);
  }

  override setupDiffuseColor(builder: NodeBuilder): void {
    super.setupDiffuseColor(builder);
    // the sample's rgb (vec3 of a vec4 takes its first three)
    const rgb = vec3(materialReference('image', 'texture') as never);
    diffuseColor.rgb.mulAssign(this.weighted ? mix(vec3(1, 1, 1), rgb, attribute<'float'>(TEXTURE_WEIGHT, 'float')) : rgb);
  }

  // the two kinds of shader differ: three must not hand one's program to the other
  override customProgramCacheKey(): string {
    return `${super.customProgramCacheKey()}|image${this.weighted ? '-weighted' : ''}`;
  }
}

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
    const key = `${r},${g},${b},${m.roughness},${m.metalness},${vertexColors},${tex},${weighted},${maps?.metallicRoughness ?? ''},${maps?.normal ?? ''},${maps?.normalScale ?? ''},${maps?.relief ?? ''}`;
    return this.cache.get(key, () => {
      const map = m.texture ? textures.forRef(m.texture) : undefined;
      const mr = maps?.metallicRoughness ? textures.forData(maps.metallicRoughness) : undefined;
      const s = maps?.normalScale ?? 1;
      const params = {
        // Material.rgb is sRGB; three shades in linear light and the colour target encodes back to sRGB
        color: new Color().setRGB(r, g, b, SRGBColorSpace),
        roughness: m.roughness,
        metalness: m.metalness,
        vertexColors,
        // glTF packs both in one image; three reads roughness from G and metalness from B, as glTF says
        ...(mr ? { roughnessMap: mr, metalnessMap: mr } : {}),
        // our meshes carry no tangents: three derives them from screen-space derivatives, where glTF's +y (uv v runs
        // down the image, flipY off) is three's −y (three's GLTFLoader flips it the same way)
        ...(maps?.normal ? { normalMap: textures.forData(maps.normal), normalScale: new Vector2(s, -s) } : {}),
        // a pattern's relief, in the same convention
        ...(maps?.relief && m.texture && 'pattern' in m.texture ? { normalMap: textures.forRelief(m.texture), normalScale: new Vector2(maps.relief, -maps.relief) } : {}),
      };
      const mat = map ? new ImageMaterial(params, map, weighted) : new RoomMaterial(params);
      mat.name = m.colorName;
      return mat;
    });
  }
}
