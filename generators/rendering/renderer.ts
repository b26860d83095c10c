// The renderer others call: set a Scene, render CameraSpecs, get colour + depth + instance ids back.
// Each render() draws one camera in one MRT pass and queues its readback before returning, so a caller can
// submit the next camera or time step while earlier frames are still on their way back (pipelining).
import type { RenderTarget } from 'three/webgpu';
import { type CameraSpec, cameraModel } from '../../core/camera.js';
import type { Scene } from '../../core/scene.js';
import { acquireGpu, gpuLostReason, shutdownGpu, type GpuContext } from './device.js';
import { GeometryCache } from './geometry.js';
import { MaterialCache } from './materials.js';
import { TextureCache } from './textures.js';
import { EnvironmentCache } from './environment.js';
import { createFrameTarget, createMrtNode } from './mrt.js';
import { LruMap } from './cache.js';
import { Readback } from './readback.js';
import { SceneSync } from './sceneSync.js';
import { CameraRig } from './threeCamera.js';
import { Backdrops } from './backdrop.js';
import { TableBakes } from './table-bake.js';

export interface FrameBuffers {
  camera: string;
  width: number;
  height: number;
  /** sRGB colour, RGBA8, row 0 = top image row */
  rgba: Uint8Array;
  /** OpenCV camera-frame z in metres (along the optical axis); 0 where no surface */
  depth: Float32Array;
  /** SceneObject.id per pixel; 0 = background */
  ids: Uint16Array | Uint32Array;
}

export interface RendererOptions {
  /** shadow map edge in texels (default 512: fitted around the casters, that is ~2 mm on a tabletop) */
  shadowMapSize?: number;
}

export interface RenderMemory {
  geometries: number;
  textures: number;
  renderTargets: number;
  programs: number;
  /** cached spatialgen geometries / materials (a subset of the above once rendered) */
  cachedGeometries: number;
  cachedMaterials: number;
}

/** render targets kept, one per image size in use (most callers have one or two) */
const MAX_TARGET_SIZES = 4;

/** What every Renderer of the process shares with the GPU context: caches, targets, staging buffers. */
interface Shared {
  gpu: GpuContext;
  geometries: GeometryCache;
  materials: MaterialCache;
  textures: TextureCache;
  environments: EnvironmentCache;
  readback: Readback;
  mrt: ReturnType<typeof createMrtNode>;
  targets: LruMap<string, RenderTarget>;
}

let shared: Shared | null = null;

function sharedFor(gpu: GpuContext): Shared {
  if (shared === null || shared.gpu !== gpu) {
    const readback = new Readback(gpu.device, gpu.three);
    shared = {
      gpu,
      geometries: new GeometryCache(),
      materials: new MaterialCache(),
      textures: new TextureCache(),
      environments: new EnvironmentCache(gpu.three),
      readback,
      mrt: createMrtNode(),
      // a target evicted for another size takes its pooled staging buffers with it
      targets: new LruMap(MAX_TARGET_SIZES, (_, old) => {
        old.dispose();
        readback.dropSize(old.width, old.height);
      }),
    };
  }
  return shared;
}

function targetFor(s: Shared, width: number, height: number): RenderTarget {
  const key = `${width}x${height}`;
  let rt = s.targets.get(key);
  if (rt === undefined) s.targets.set(key, (rt = createFrameTarget(width, height)));
  return rt;
}

export class Renderer {
  private readonly sync: SceneSync;
  private readonly rig = new CameraRig();
  private readonly backdrops: Backdrops;
  private readonly tables: TableBakes;
  private scene: Scene | null = null;
  private disposed = false;

  private constructor(private readonly s: Shared, options: RendererOptions) {
    this.sync = new SceneSync(s.geometries, s.materials, s.textures, s.environments, { shadowMapSize: options.shadowMapSize ?? 512 });
    this.backdrops = new Backdrops(s.gpu.three, s.gpu.device);
    this.tables = new TableBakes(s.gpu.three);
  }

  /** A renderer on the process-wide GPU device (created on first call). Throws RendererUnavailableError. */
  static async create(options: RendererOptions = {}): Promise<Renderer> {
    const gpu = await acquireGpu();
    return new Renderer(sharedFor(gpu), options);
  }

  /** e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)" */
  get adapterName(): string {
    return this.s.gpu.adapterName;
  }

  /** readbacks submitted and not yet resolved, all renderers of the process together */
  get inFlight(): number {
    return this.s.readback.pending;
  }

  /** GPU resources alive in three's bookkeeping, for leak checks. */
  get memory(): RenderMemory {
    const m = this.s.gpu.three.info.memory;
    return {
      geometries: m.geometries,
      textures: m.textures,
      renderTargets: m.renderTargets,
      programs: m.programs,
      cachedGeometries: this.s.geometries.size,
      cachedMaterials: this.s.materials.size,
    };
  }

  /**
   * Decodes the image files `scene`'s textures show and prefilters its environment map (once per process and file);
   * setScene needs them.
   */
  async loadTextures(scene: Scene): Promise<void> {
    this.assertLive();
    if (scene.lighting.environment) this.s.environments.load(scene.lighting.environment.map);
    await this.s.textures.load(scene);
  }

  /**
   * (Re)builds the meshes and lights of `scene`. Object poses are read later, at every render(). Image-file textures
   * must have been loaded (`loadTextures`); procedural ones are drawn here on first use.
   */
  setScene(scene: Scene): void {
    this.assertLive();
    this.sync.setScene(scene);
    this.backdrops.clear();
    this.tables.clear();
    this.scene = scene;
  }

  /**
   * Renders `camera` with the objects' poses as they are now and resolves with the read-back buffers.
   * Everything up to the GPU submission happens before this returns; several calls may be in flight.
   */
  async render(camera: CameraSpec): Promise<FrameBuffers> {
    this.assertLive();
    if (this.scene === null) throw new Error('Renderer.render: call setScene() first');
    const { three, tick } = this.s.gpu;
    const cam = this.rig.forSpec(camera); // validates the size before a target is made for it
    const rt = targetFor(this.s, camera.width, camera.height);
    tick();
    this.sync.syncPoses();
    this.sync.chooseLevels(cameraModel(camera));
    // a still camera draws what never moves from images made once per scene: the sky behind the table (backdrop.ts)
    // and, under an environment map, the table's light (table-bake.ts); a wrist camera draws them every frame
    const still = camera.mount !== 'tcp';
    const bake = still ? this.sync.bakeableTable : null;
    const tableMaterial = bake?.table.material;
    const sky = still ? this.sync.skyMesh : null;
    const exposure = this.scene.lighting.exposure;
    try {
      // made first: drawing the images sets a render target and MRT of their own
      if (bake) bake.table.material = this.tables.materialFor(camera, bake.table, this.sync.three, bake.sun);
      three.setRenderTarget(rt);
      if (exposure !== undefined) this.s.mrt.exposure.value = exposure;
      three.setMRT(exposure === undefined ? this.s.mrt.plain : this.s.mrt.toned);
      if (sky) {
        this.backdrops.copyInto(rt, camera, sky);
        sky.visible = false;
        three.autoClearColor = false;
      }
      three.render(this.sync.three, cam);
    } finally {
      if (sky) {
        sky.visible = true;
        three.autoClearColor = true;
      }
      if (bake) bake.table.material = tableMaterial!;
      three.setMRT(null);
      three.setRenderTarget(null);
    }
    const planes = await this.s.readback.read(rt);
    return { camera: camera.name, width: camera.width, height: camera.height, ...planes };
  }

  /**
   * Optional: hands a frame's arrays back once the caller is done with them (encoded, copied), so a later frame of
   * the same size reuses them instead of allocating megabytes the garbage collector then has to chase. The frame
   * must not be read after this.
   */
  recycle(frame: FrameBuffers): void {
    if (frame.ids instanceof Uint32Array) this.s.readback.recycle(frame.width, frame.height, frame as FrameBuffers & { ids: Uint32Array });
  }

  /** Renders every camera (default: the scene's) at the current poses; one shadow pass serves them all. */
  renderAll(cameras?: CameraSpec[]): Promise<FrameBuffers[]> {
    const list = cameras ?? this.scene?.cameras ?? [];
    return Promise.all(list.map((c) => this.render(c)));
  }

  /** Drops this renderer's scene. The GPU device, caches and targets stay for the next renderer. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.sync.dispose();
    this.backdrops.dispose();
    this.tables.dispose();
    this.scene = null;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('Renderer used after dispose()');
    const lost = gpuLostReason();
    if (lost !== null) throw new Error(`GPU device lost: ${lost}`);
    if (shared !== this.s) throw new Error('Renderer used after shutdownRendering()');
  }
}

/** Releases the process's GPU device and everything cached on it (tests, worker shutdown). */
export function shutdownRendering(): void {
  if (shared !== null) {
    for (const rt of shared.targets.values()) rt.dispose();
    shared.readback.dispose();
    shared.geometries.dispose();
    shared.materials.dispose();
    shared.textures.dispose();
    shared.environments.dispose();
    shared = null;
  }
  shutdownGpu();
}
