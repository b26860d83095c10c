// Environment maps → what three lights and backs a scene with: the `.hdr` file decoded by three's HDRLoader (its
// parse() on the file's bytes: its load() goes through fetch, which in Node refuses file://), prefiltered once per
// process into a PMREM cube (≈ 1 s per map on lavapipe, ≈ 4 MB of GPU memory) and kept with the map itself (the
// background; ≈ 4 MB): episodes only turn and scale them (scene.environmentRotation / backgroundRotation and the
// intensities), which costs nothing per frame.
import { readFileSync } from 'node:fs';
import { DataTexture, EquirectangularReflectionMapping, LinearMipmapNearestFilter, HalfFloatType, LinearSRGBColorSpace, PMREMGenerator, type Texture, type WebGPURenderer } from 'three/webgpu';
import { HDRLoader } from 'three/examples/jsm/loaders/HDRLoader.js';
import { EXRLoader } from 'three/examples/jsm/loaders/EXRLoader.js';
import { environmentFile } from '../../assets/environments.js';
import { irradianceCoefficients } from './irradiance.js';

/** A loaded map: the prefiltered cube that lights, and the map itself that stands behind the table. */
export interface LoadedEnvironment {
  /** PMREM cube: what materials sample for image-based light */
  light: Texture;
  /** its diffuse light as nine spherical-harmonic coefficients (irradiance.ts), projected once with the prefiltering */
  irradiance: Float32Array;
  /** the equirectangular map: drawn as the background, one texture fetch per pixel (the PMREM's blurred lookup cost
   * about twice as much on lavapipe) */
  background: DataTexture;
}

export class EnvironmentCache {
  private readonly loaded = new Map<string, LoadedEnvironment>();
  private pmrem: PMREMGenerator | null = null;

  constructor(private readonly three: WebGPURenderer) {}

  get size(): number {
    return this.loaded.size;
  }

  /** Decodes and prefilters `map` unless this process already has. */
  load(map: string): void {
    if (this.loaded.has(map)) return;
    const file = environmentFile(map);
    let equirect: DataTexture;
    try {
      equirect = decodeEnvironment(readFileSync(file), file.endsWith('.exr') ? 'exr' : 'hdr');
    } catch (e) {
      throw new Error(`environment map ${file} cannot be decoded: ${(e as Error).message.split('\n')[0]}`);
    }
    this.pmrem ??= new PMREMGenerator(this.three);
    const target = this.pmrem.fromEquirectangular(equirect);
    // a roughness's blur is read from the prefiltered level nearest it rather than blended from the two around it:
    // half the texel fetches of the one cube lookup per pixel (lavapipe filters in software: ~1.8 ms of a 256² frame,
    // ×1.55 → ×1.39 the flat scene in an A/B run), for reflections within 0.15/255 on average (p99 1/255)
    target.texture.minFilter = LinearMipmapNearestFilter;
    this.loaded.set(map, { light: target.texture, irradiance: irradianceCoefficients(equirect), background: equirect });
  }

  /** A loaded map's light and background. */
  get(map: string): LoadedEnvironment {
    const t = this.loaded.get(map);
    if (!t) throw new Error(`environment map "${map}" is not loaded: await renderer.loadTextures(scene) before setScene`);
    return t;
  }

  dispose(): void {
    for (const t of this.loaded.values()) {
      t.light.dispose();
      t.background.dispose();
    }
    this.loaded.clear();
    this.pmrem?.dispose();
    this.pmrem = null;
  }
}

/** An equirectangular map's bytes (Radiance `.hdr` or OpenEXR `.exr`) as a linear half-float texture, rows as stored. */
export function decodeEnvironment(bytes: Uint8Array, format: 'hdr' | 'exr'): DataTexture {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const loader = format === 'exr' ? new EXRLoader().setDataType(HalfFloatType) : new HDRLoader().setDataType(HalfFloatType);
  const d = loader.parse(buffer);
  const t = new DataTexture(d.data, d.width, d.height);
  t.type = d.type ?? HalfFloatType;
  t.format = d.format ?? t.format;
  t.colorSpace = d.colorSpace ?? LinearSRGBColorSpace;
  t.flipY = d.flipY ?? true;
  t.mapping = EquirectangularReflectionMapping;
  t.needsUpdate = true;
  return t;
}
