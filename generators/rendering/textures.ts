// Scene textures → GPU textures, one per distinct image. A procedural pattern is painted on first use
// (assets/materials/textures.ts: 40–300 ms of JS at 256², so painted images are kept, MAX_PAINTED); an image file is
// decoded by sharp (three's TextureLoader needs a DOM) in `load`, which must have run for a scene before `setScene`
// draws it (as must an imported glTF's normal and metallic-roughness maps, which become data textures). Both become sRGB DataTextures with mipmaps, shared by every object and material that shows the same
// image, and kept across scene rebuilds for a few generations, as geometries and materials are: consecutive episodes
// that draw the same assets upload nothing.
//
// Images keep their rows top first and flipY is off, so a uv of (0, 0) samples the image's top-left texel: glTF's
// convention, which imported meshes are stored in and patterns are drawn in.
import sharp from 'sharp';
import { DataTexture, LinearFilter, LinearMipmapLinearFilter, NoColorSpace, RGBAFormat, RepeatWrapping, SRGBColorSpace, UnsignedByteType } from 'three/webgpu';
import type { Scene, TextureRef } from '../../core/scene.js';
import { type Texture, type TextureKind, makeTexture } from '../../assets/materials/textures.js';
import { GenerationalCache, LruMap } from './cache.js';
import { reliefNormals } from '../../assets/materials/relief.js';

/** Images decoded from files, kept in CPU memory: a worker's library rarely has more textures than this in use. */
const MAX_DECODED = 64;
/**
 * Patterns painted, kept in CPU memory (256 KB each at 256², 1 MB a table top): painting one costs 40–300 ms of JS,
 * and the library's 63 patterned assets and 80 table tops (10 surfaces × 8 seeds) recur across a worker's episodes.
 */
const MAX_PAINTED = 192;

export function textureKey(ref: TextureRef): string {
  return 'file' in ref ? `file:${ref.file}` : `pattern:${ref.pattern}:${ref.seed}:${ref.rgb.join(',')}:${ref.size ?? ''}:${ref.tiles?.join('x') ?? ''}`;
}

/** A GPU texture of an image: colour (sRGB, decoded to linear when sampled) or data (normals, roughness: as stored). */
function dataTexture(img: Texture, colour = true): DataTexture {
  const t = new DataTexture(img.rgba, img.width, img.height, RGBAFormat, UnsignedByteType);
  t.colorSpace = colour ? SRGBColorSpace : NoColorSpace;
  t.flipY = false;
  t.wrapS = RepeatWrapping;
  t.wrapT = RepeatWrapping;
  t.magFilter = LinearFilter;
  t.minFilter = LinearMipmapLinearFilter;
  t.generateMipmaps = true;
  t.needsUpdate = true;
  return t;
}

export class TextureCache {
  // textures outlive more scene rebuilds than geometries: re-drawing a pattern costs milliseconds, not microseconds
  private readonly gpu = new GenerationalCache<string, DataTexture>(8);
  private readonly decoded = new LruMap<string, Texture>(MAX_DECODED);
  private readonly painted = new LruMap<string, Texture>(MAX_PAINTED);

  nextGeneration(): void {
    this.gpu.nextGeneration();
  }

  get size(): number {
    return this.gpu.size;
  }

  /** Decodes every image file `scene` shows that is not decoded yet: textures and glTF's other maps. */
  async load(scene: Scene): Promise<void> {
    for (const o of scene.objects) {
      const { texture, maps } = o.material;
      const files = [texture && 'file' in texture ? texture.file : undefined, maps?.metallicRoughness, maps?.normal];
      for (const file of files) {
        if (!file || this.decoded.has(file)) continue;
        let img: Texture;
        try {
          const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
          img = { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
        } catch (e) {
          throw new Error(`texture ${file} of "${o.name}" cannot be decoded: ${(e as Error).message.split('\n')[0]}`);
        }
        this.decoded.set(file, img);
      }
    }
  }

  forRef(ref: TextureRef): DataTexture {
    return this.gpu.get(textureKey(ref), () => ('pattern' in ref ? dataTexture(this.paint(ref)) : dataTexture(this.decodedImage(ref.file))));
  }

  /** The normal map of a pattern's relief (assets/materials/relief.ts), made once per painted image. */
  forRelief(ref: TextureRef): DataTexture {
    if (!('pattern' in ref)) throw new Error(`relief of ${textureKey(ref)}: only procedural patterns have one`);
    return this.gpu.get(`relief:${textureKey(ref)}`, () => dataTexture(reliefNormals(this.paint(ref)), false));
  }

  /** A data image file (a normal or metallic-roughness map), sampled as stored. */
  forData(file: string): DataTexture {
    return this.gpu.get(`data:${file}`, () => dataTexture(this.decodedImage(file), false));
  }

  private decodedImage(file: string): Texture {
    const img = this.decoded.get(file);
    if (!img) throw new Error(`texture ${file} is not loaded: await renderer.loadTextures(scene) before setScene`);
    return img;
  }

  /** A pattern's image, painted once per process while it stays among the MAX_PAINTED most recently used. */
  private paint(ref: Extract<TextureRef, { pattern: string }>): Texture {
    const key = textureKey(ref);
    let img = this.painted.get(key);
    if (!img) this.painted.set(key, (img = makeTexture(ref.pattern as TextureKind, ref.rgb, ref.seed, ref.size, ref.tiles)));
    return img;
  }

  dispose(): void {
    this.gpu.clear();
    this.decoded.clear();
    this.painted.clear();
  }
}
