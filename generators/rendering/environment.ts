// Environment maps → what three lights and backs a scene with: the `.hdr` file decoded by three's HDRLoader (its
// parse() on the file's bytes: its load() goes through fetch, which in Node refuses file://), prefiltered once per
// process into a PMREM cube (≈ 1 s per map on lavapipe, ≈ 4 MB of GPU memory) and kept: episodes only turn and
// scale it (scene.environmentRotation / environmentIntensity), which costs nothing per frame.
import { readFileSync } from 'node:fs';
import { DataTexture, EquirectangularReflectionMapping, HalfFloatType, LinearSRGBColorSpace, PMREMGenerator, type Texture, type WebGPURenderer } from 'three/webgpu';
import { HDRLoader } from 'three/examples/jsm/loaders/HDRLoader.js';
import { EXRLoader } from 'three/examples/jsm/loaders/EXRLoader.js';
import { environmentFile } from '../../assets/environments.js';

export class EnvironmentCache {
  private readonly prefiltered = new Map<string, Texture>();
  private pmrem: PMREMGenerator | null = null;

  constructor(private readonly three: WebGPURenderer) {}

  get size(): number {
    return this.prefiltered.size;
  }

  /** Decodes and prefilters `map` unless this process already has. */
  load(map: string): void {
    if (this.prefiltered.has(map)) return;
    const file = environmentFile(map);
    let equirect: DataTexture;
    try {
      equirect = decodeEnvironment(readFileSync(file), file.endsWith('.exr') ? 'exr' : 'hdr');
    } catch (e) {
      throw new Error(`environment map ${file} cannot be decoded: ${(e as Error).message.split('\n')[0]}`);
    }
    this.pmrem ??= new PMREMGenerator(this.three);
    const target = this.pmrem.fromEquirectangular(equirect);
    equirect.dispose();
    this.prefiltered.set(map, target.texture);
  }

  /** The prefiltered cube of a loaded map. */
  get(map: string): Texture {
    const t = this.prefiltered.get(map);
    if (!t) throw new Error(`environment map "${map}" is not loaded: await renderer.loadTextures(scene) before setScene`);
    return t;
  }

  dispose(): void {
    for (const t of this.prefiltered.values()) t.dispose();
    this.prefiltered.clear();
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
