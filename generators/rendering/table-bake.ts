// A still camera's table top, lit once per scene.
// The table is most of every frame, and under an environment map its pixels are the dearest: a textured top in
// relief, a reflection lookup into the prefiltered map, the room's diffuse light. For a camera that does not move (every
// camera but a wrist one) none of that changes through an episode except the sun's shadow, which moves with the arm.
// Shading is linear in the light, so a table pixel is
//     colour = response to a white, unshadowed sun of intensity 1  ⊙  the sun's colour × intensity × shadow
//            + the room's light (reflections and diffuse)
// and both terms are drawn once per scene and camera into half-float images (the table alone, with three's own
// materials: the same shading code). Each frame then draws the table with a material that reads its pixel of each
// image and lets three supply the sun's shadowed colour: two texel loads instead of two filtered texture samples,
// a cube lookup and the BRDF (BENCHMARKS § Render). The images are linear light before tone mapping, which the
// frame's MRT output applies as for everything else; half floats keep them within ~1/255 of shading live.
import { DirectionalLight, HalfFloatType, type LightingModelDirectInput, type NodeBuilder, LightingModel, Mesh, NearestFilter, NodeMaterial, PerspectiveCamera, RenderTarget, Scene as ThreeScene, type Texture, type WebGPURenderer } from 'three/webgpu';
import { ivec2, screenCoordinate, texture, vec3 } from 'three/tsl';
import type { CameraSpec } from '../../core/camera.js';
import { IRRADIANCE_KEY } from './irradiance.js';
import { applySpec } from './threeCamera.js';

type Vec3Node = ReturnType<typeof vec3>;
type Light = { lightColor: Vec3Node; reflectedLight: { directDiffuse: Vec3Node } };

/** The table drawn from its two images; one per still camera name, its own program (so its own texture nodes). */
class BakedTableMaterial extends NodeMaterial {
  readonly sun = texture(placeholder());
  readonly room = texture(placeholder());

  constructor(readonly camera: string) {
    super();
    this.lights = true;
    this.name = `spatialgen.baked-table.${camera}`;
  }

  override setupLightingModel(): LightingModel {
    const pixel = ivec2(screenCoordinate.xy);
    const sun = vec3(this.sun.load(pixel)), room = vec3(this.room.load(pixel));
    return new (class extends LightingModel {
      override direct(light: LightingModelDirectInput): void {
        const { lightColor, reflectedLight } = light as unknown as Light;
        reflectedLight.directDiffuse.addAssign(sun.mul(lightColor));
      }
      override indirect(builder: NodeBuilder): void {
        (builder.context as { reflectedLight: { indirectDiffuse: Vec3Node } }).reflectedLight.indirectDiffuse.addAssign(room);
      }
    })();
  }

  // each instance reads its own texture nodes: three must not hand one instance's program to another
  override customProgramCacheKey(): string {
    return `${super.customProgramCacheKey()}|baked-table:${this.uuid}`;
  }
}

let blank: Texture | null = null;
function placeholder(): Texture {
  blank ??= new RenderTarget(1, 1, { type: HalfFloatType }).texture;
  return blank;
}

/** most still cameras a process keeps a table material for (their programs stay compiled) */
const MAX_CAMERAS = 16;

export class TableBakes {
  private readonly materials = new Map<string, BakedTableMaterial>();
  /** this scene's images per still camera, keyed by its whole spec */
  private readonly drawn = new Map<string, [RenderTarget, RenderTarget]>();
  private readonly lit = new ThreeScene();
  private readonly room = new ThreeScene();
  private readonly sun = new DirectionalLight(0xffffff, 1);
  private readonly camera = new PerspectiveCamera();

  constructor(private readonly three: WebGPURenderer) {
    this.sun.castShadow = false;
    this.lit.add(this.sun, this.sun.target);
  }

  /**
   * The material that draws `table` for `spec` in `scene` (the scene's sun and environment as set now), its images
   * drawn first if this scene has not. Leaves three's render target and MRT unset: the caller sets its own after.
   */
  materialFor(spec: CameraSpec, table: Mesh, scene: ThreeScene, sun: DirectionalLight): NodeMaterial {
    const key = JSON.stringify(spec);
    let images = this.drawn.get(key);
    if (images === undefined) {
      images = [this.draw(spec, table, scene, sun, 'sun'), this.draw(spec, table, scene, sun, 'room')];
      this.drawn.set(key, images);
    }
    let material = this.materials.get(spec.name);
    if (material === undefined) {
      if (this.materials.size >= MAX_CAMERAS) this.evictOldest();
      this.materials.set(spec.name, (material = new BakedTableMaterial(spec.name)));
    }
    material.sun.value = images[0].texture;
    material.room.value = images[1].texture;
    return material;
  }

  /** One of the table's two images: lit by a white sun of intensity 1 alone, or by the room alone. */
  private draw(spec: CameraSpec, table: Mesh, scene: ThreeScene, sun: DirectionalLight, part: 'sun' | 'room'): RenderTarget {
    const target = new RenderTarget(spec.width, spec.height, { type: HalfFloatType, depthBuffer: true });
    target.texture.minFilter = target.texture.magFilter = NearestFilter;
    target.texture.generateMipmaps = false;
    table.updateWorldMatrix(true, false);
    const twin = new Mesh(table.geometry, table.material);
    twin.matrixAutoUpdate = false;
    twin.matrix.copy(table.matrixWorld);
    twin.matrixWorld.copy(table.matrixWorld);
    const into = part === 'sun' ? this.lit : this.room;
    if (part === 'sun') {
      this.sun.position.copy(sun.position);
      this.sun.target.position.copy(sun.target.position);
      this.sun.updateMatrixWorld();
      this.sun.target.updateMatrixWorld();
    } else {
      this.room.environment = scene.environment;
      this.room.environmentIntensity = scene.environmentIntensity;
      this.room.environmentRotation.copy(scene.environmentRotation);
      this.room.userData[IRRADIANCE_KEY] = scene.userData[IRRADIANCE_KEY];
    }
    into.add(twin);
    applySpec(this.camera, spec);
    this.three.setMRT(null);
    this.three.setRenderTarget(target);
    this.three.render(into, this.camera);
    into.remove(twin);
    return target;
  }

  /** Forgets this scene's images (a new scene: another light, room or table). */
  clear(): void {
    for (const [a, b] of this.drawn.values()) {
      a.dispose();
      b.dispose();
    }
    this.drawn.clear();
  }

  dispose(): void {
    this.clear();
    for (const m of this.materials.values()) m.dispose();
    this.materials.clear();
  }

  private evictOldest(): void {
    const [name, m] = this.materials.entries().next().value as [string, BakedTableMaterial];
    m.dispose();
    this.materials.delete(name);
  }
}
