// Mirrors a spatialgen Scene into a three.js scene: one mesh per SceneObject (shared geometry and material
// from the caches), the sun (sun.ts), sky/ground fill as a hemisphere light.
// Poses are copied at render time, so physics can move objects between renders without telling us; the shadow
// map is redrawn only when something actually moved, so the cameras of one time step share one shadow pass.
import { Color, type DataTexture, type DirectionalLight, Group, HemisphereLight, LinearSRGBColorSpace, Mesh, type Object3D, Scene as ThreeScene, SRGBColorSpace } from 'three/webgpu';
import { Sky } from './sky.js';
import { IRRADIANCE_KEY } from './irradiance.js';
import { kelvinToLinearRgb } from '../../core/color.js';
import { type Scene, type SceneObject, TABLE_ID } from '../../core/scene.js';
import { shapeHalfExtents } from '../../core/scene.js';
import { add, rotate } from '../../core/math.js';
import type { CameraModel } from '../../core/camera.js';
import { type MeshShape, levelFor, meshLevels } from '../scene/lod.js';
import type { GeometryCache } from './geometry.js';
import type { MaterialCache } from './materials.js';
import type { TextureCache } from './textures.js';
import type { EnvironmentCache } from './environment.js';
import { Sun } from './sun.js';

/** mesh.userData key the MRT id output reads (see mrt.ts) */
export const INSTANCE_ID_KEY = 'instanceId';
/** largest id the id target stores exactly: ids go through a float uniform (24-bit mantissa) into r32uint */
export const MAX_INSTANCE_ID = 2 ** 24 - 1;

export interface SyncOptions {
  /** shadow map edge in texels */
  shadowMapSize: number;
}

interface Tracked {
  obj: SceneObject;
  /** what is posed at obj.pose: the mesh, or a group holding its levels of detail, or a visual mesh's at its origin */
  node: Object3D;
  /** last pose copied, to notice motion */
  last: Float64Array;
  /** a mesh's levels of detail (lod.ts), finest first: one is visible, chosen per camera; absent: one mesh */
  levels?: { shape: MeshShape; meshes: Mesh[] };
}

export class SceneSync {
  readonly three = new ThreeScene();
  private readonly sun: Sun;
  private readonly fill = new HemisphereLight(0xffffff, 0x808080, 1);
  private sky: Sky | null = null;
  private tracked: Tracked[] = [];
  private casters: SceneObject[] = [];
  private shadowDirty = true;

  constructor(
    private readonly geometries: GeometryCache,
    private readonly materials: MaterialCache,
    private readonly textures: TextureCache,
    private readonly environments: EnvironmentCache,
    options: SyncOptions,
  ) {
    this.sun = new Sun(options.shadowMapSize);
    // our world is z-up: the hemisphere light's sky is where its position points
    this.fill.position.set(0, 0, 1);
    this.three.add(this.sun.light, this.sun.light.target, this.fill);
    this.three.matrixWorldAutoUpdate = true;
  }

  /** Replaces every mesh with those of `scene`; geometries and materials come from (and stay in) the caches. */
  setScene(scene: Scene): void {
    this.clearMeshes();
    this.geometries.nextGeneration();
    this.materials.nextGeneration();
    this.textures.nextGeneration();
    const seen = new Set<number>();
    for (const obj of scene.objects) {
      if (!Number.isInteger(obj.id) || obj.id <= 0 || obj.id > MAX_INSTANCE_ID) {
        throw new Error(`object "${obj.name}": instance id ${obj.id} is not an integer in 1..${MAX_INSTANCE_ID} (0 is background)`);
      }
      if (seen.has(obj.id)) throw new Error(`object "${obj.name}": instance id ${obj.id} is used twice`);
      seen.add(obj.id);
      const shape = obj.visual?.shape ?? obj.shape;
      const look = obj.visual?.material ?? obj.material;
      const { geometry, scale } = this.geometries.forShape(shape);
      const vertexColors = shape.kind === 'mesh' && shape.colors !== undefined;
      // a textured mesh with accent parts (a stem, a lid) that show only their colour: one material weighs the texture
      const material = this.materials.forMaterial(look, this.textures, vertexColors, shape.kind === 'mesh' && shape.texturedTriangles !== undefined);
      // Whatever lies entirely at or below the table top (the table itself, a floor) can only shadow points
      // below the table top, which no camera of a tabletop scene sees lit anyway. Leaving it out of the shadow
      // map saves most of the shadow pass's fill: the table covers most of the map.
      const castShadow = !isSupport(obj, scene.tableTopZ);
      if (castShadow) this.casters.push(obj);
      const levelCount = shape.kind === 'mesh' ? meshLevels(shape).length : 1;
      const meshes = Array.from({ length: levelCount }, (_, level) => {
        const mesh = new Mesh(level === 0 ? geometry : this.geometries.forLevel(shape as MeshShape, level), material);
        mesh.name = obj.name;
        mesh.scale.set(scale[0], scale[1], scale[2]);
        mesh.castShadow = castShadow;
        mesh.receiveShadow = true;
        mesh.visible = level === 0;
        mesh.userData[INSTANCE_ID_KEY] = obj.id;
        if (obj.visual) {
          const { position: p, quaternion: q } = obj.visual.origin;
          mesh.position.set(p[0], p[1], p[2]);
          mesh.quaternion.set(q[0], q[1], q[2], q[3]);
        }
        return mesh;
      });
      let node: Object3D = meshes[0];
      if (meshes.length > 1 || obj.visual) {
        node = new Group();
        node.add(...meshes);
      }
      this.three.add(node);
      this.tracked.push({ obj, node, last: new Float64Array(7).fill(NaN), ...(meshes.length > 1 ? { levels: { shape: shape as MeshShape, meshes } } : {}) });
    }
    this.applyLighting(scene);
    this.shadowDirty = true;
  }

  /** Copies the current poses into the meshes; schedules a shadow redraw if anything moved. */
  syncPoses(): void {
    for (const t of this.tracked) {
      const { position: p, quaternion: q } = t.obj.pose;
      const l = t.last;
      if (l[0] !== p[0] || l[1] !== p[1] || l[2] !== p[2] || l[3] !== q[0] || l[4] !== q[1] || l[5] !== q[2] || l[6] !== q[3]) {
        l[0] = p[0]; l[1] = p[1]; l[2] = p[2]; l[3] = q[0]; l[4] = q[1]; l[5] = q[2]; l[6] = q[3];
        t.node.position.set(p[0], p[1], p[2]);
        t.node.quaternion.set(q[0], q[1], q[2], q[3]);
        this.shadowDirty = true;
      }
    }
    if (this.shadowDirty) {
      this.sun.refit(this.casters);
      this.shadowDirty = false;
    }
  }

  /**
   * Shows each mesh at the level of detail `camera` needs (lod.ts levelFor, the rule the annotator's silhouettes
   * follow). Call after syncPoses, before rendering that camera; a shadow pass drawn during that render uses these
   * levels too.
   */
  chooseLevels(camera: CameraModel): void {
    for (const t of this.tracked) {
      if (!t.levels) continue;
      const { position: p, quaternion: q } = t.obj.pose;
      const origin = t.obj.visual ? add(p, rotate(q, t.obj.visual.origin.position)) : p;
      const level = levelFor(t.levels.shape, origin, camera);
      t.levels.meshes.forEach((m, i) => (m.visible = i === level));
    }
  }

  get objectCount(): number {
    return this.tracked.length;
  }

  dispose(): void {
    this.clearMeshes();
    this.sun.dispose();
    this.fill.dispose();
    this.sky?.dispose();
  }

  /**
   * The table's mesh and the sun when a still camera may draw the table from its images (table-bake.ts): under an
   * environment map, where the sun and the room are all that light it (the fill is off).
   */
  get bakeableTable(): { table: Mesh; sun: DirectionalLight } | null {
    if (this.three.environment === null) return null;
    const t = this.tracked.find((k) => k.obj.id === TABLE_ID);
    return t && t.node instanceof Mesh ? { table: t.node, sun: this.sun.light } : null;
  }

  /** The environment map's mesh behind the table when this scene shows one (backdrop.ts draws it once per still camera). */
  get skyMesh(): Mesh | null {
    return this.sky?.mesh.visible ? this.sky.mesh : null;
  }

  /** The sky mesh, made on first use (a scene without an environment map draws the flat colour, no mesh). */
  private skyFor(placeholder: DataTexture): Sky {
    if (!this.sky) {
      this.sky = new Sky(placeholder);
      this.three.add(this.sky.mesh);
    }
    return this.sky;
  }

  private clearMeshes(): void {
    // geometries and materials belong to the caches; only the Mesh objects go
    for (const t of this.tracked) this.three.remove(t.node);
    this.tracked = [];
    this.casters = [];
  }

  private applyLighting(scene: Scene): void {
    const L = scene.lighting;
    const bg = L.background;
    const env = L.environment;
    this.three.background = new Color().setRGB(bg[0], bg[1], bg[2], SRGBColorSpace);
    this.three.environment = null;
    delete this.three.userData[IRRADIANCE_KEY];
    this.sky?.hide();
    // with an environment map the room lights the scene; the hemisphere fill would light it twice (and, left in at
    // intensity 0, still be evaluated per pixel)
    this.fill.intensity = env ? 0 : L.ambientIntensity;
    this.fill.visible = !env;
    if (env) {
      const map = this.environments.get(env.map);
      this.three.environment = map.light;
      this.three.userData[IRRADIANCE_KEY] = map.irradiance;
      this.three.environmentIntensity = env.intensity;
      // maps are y-up: a quarter turn about x stands them in our z-up world, then the episode's turn about z
      this.three.environmentRotation.set(Math.PI / 2, 0, env.rotation, 'ZXY');
      if (env.background) {
        // the map itself (a 1k map is ~160 px across a 55° view: soft at 640 px, as a camera focused on the table sees it)
        this.skyFor(map.background).show(map.background, this.three.environmentRotation, env.intensity);
      }
    }
    const [r, g, b] = L.sunKelvin === undefined ? [1, 1, 1] : kelvinToLinearRgb(L.sunKelvin);
    this.sun.light.color.setRGB(r, g, b, LinearSRGBColorSpace);
    this.sun.aim(L.sunDirection, L.sunIntensity, scene.objects);
    this.sun.edge = L.shadowEdge ?? 0;
  }
}

function isSupport(obj: SceneObject, tableTopZ: number): boolean {
  const h = shapeHalfExtents(obj.shape);
  let top = -Infinity;
  for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) {
    top = Math.max(top, obj.pose.position[2] + rotate(obj.pose.quaternion, [sx * h[0], sy * h[1], sz * h[2]])[2]);
  }
  return top <= tableTopZ + 1e-4;
}
