// A still camera's background, drawn once per scene instead of once per frame.
// Behind the table stands the environment map (sky.ts). A camera that does not move through an episode (every camera
// but one on the wrist) sees the same sky pixels in every frame, so the sky alone is drawn once into a target of its
// own (same mesh material, same MRT: its colour, camZ 0, id 0) and every later frame of that camera starts from a copy
// of it instead of a clear, with the sky mesh hidden. The pixels are the ones the sky would have drawn behind the
// objects (the same shader on the same fragments: the sky is tested at the far plane and nothing blends); what is
// saved is shading every uncovered pixel each frame (~20 % of a 256² frame on lavapipe, BENCHMARKS § Render) for a
// copy of three small planes.
import { type Mesh, PerspectiveCamera, type RenderTarget, Scene as ThreeScene, type Texture, type WebGPURenderer, Mesh as ThreeMesh } from 'three/webgpu';
import type { CameraSpec } from '../../core/camera.js';
import { createFrameTarget } from './mrt.js';
import { applySpec } from './threeCamera.js';

/** the GPU texture three made for `texture` (undefined until it is used or initialised) */
function gpuTexture(three: WebGPURenderer, texture: Texture): GPUTexture | undefined {
  return (three.backend as unknown as { get(resource: object): { texture?: GPUTexture } }).get(texture).texture;
}

export class Backdrops {
  /** the sky alone: a twin of the scene's sky mesh (same geometry and material, so the same program and uniforms) */
  private readonly sky = new ThreeScene();
  private twin: ThreeMesh | null = null;
  private readonly camera = new PerspectiveCamera();
  /** one per still camera of the current scene, keyed by its whole spec (a changed spec is another camera) */
  private readonly drawn = new Map<string, RenderTarget>();

  constructor(
    private readonly three: WebGPURenderer,
    private readonly device: GPUDevice,
  ) {}

  /**
   * Fills `rt` with `spec`'s backdrop, drawing it first if this scene has not: the frame then renders without
   * clearing colour (three.autoClearColor off) and with `skyMesh` hidden. Leaves `rt` as the render target and the
   * MRT as it found it.
   */
  copyInto(rt: RenderTarget, spec: CameraSpec, skyMesh: Mesh): void {
    const key = JSON.stringify(spec);
    let backdrop = this.drawn.get(key);
    if (backdrop === undefined) {
      backdrop = createFrameTarget(spec.width, spec.height);
      this.drawn.set(key, backdrop);
      if (this.twin === null || this.twin.material !== skyMesh.material) {
        if (this.twin) this.sky.remove(this.twin);
        this.twin = new ThreeMesh(skyMesh.geometry, skyMesh.material);
        this.twin.frustumCulled = false;
        this.sky.add(this.twin);
      }
      applySpec(this.camera, spec);
      this.three.setRenderTarget(backdrop);
      this.three.render(this.sky, this.camera);
      this.three.setRenderTarget(rt);
    }
    // one submission for the three planes (three's copyTextureToTexture submits one per texture)
    if (gpuTexture(this.three, rt.textures[0]) === undefined) this.three.initRenderTarget(rt);
    const encoder = this.device.createCommandEncoder({ label: 'spatialgen backdrop' });
    for (let i = 0; i < rt.textures.length; i++) {
      encoder.copyTextureToTexture({ texture: gpuTexture(this.three, backdrop.textures[i])! }, { texture: gpuTexture(this.three, rt.textures[i])! }, { width: spec.width, height: spec.height });
    }
    this.device.queue.submit([encoder.finish()]);
  }

  /** Forgets every backdrop (a new scene: another map, turn or intensity). */
  clear(): void {
    for (const t of this.drawn.values()) t.dispose();
    this.drawn.clear();
  }

  dispose(): void {
    this.clear();
    if (this.twin) this.sky.remove(this.twin);
    this.twin = null;
  }
}
