// The environment map behind the table, drawn as three draws a background (a sphere around the camera, pushed to
// the far plane, sampled by view direction through the map's rotation) but LAST and depth-tested: a pixel an object
// covers is rejected before it is shaded. three's own background is drawn first over the whole frame; on lavapipe,
// shading every pixel of it cost ~40 % of a 256² frame. Its instance id is 0 and its camZ 0 (mrt.ts), as background.
import { BackSide, type DataTexture, Matrix4, Mesh, type Euler, NodeMaterial, SphereGeometry } from 'three/webgpu';
import { cameraProjectionMatrix, equirectUV, modelViewMatrix, normalWorldGeometry, positionLocal, texture, uniform, vec4 } from 'three/tsl';

export class Sky {
  readonly mesh: Mesh;
  private readonly rotation = uniform(new Matrix4());
  private readonly intensity = uniform(1);
  private readonly map;

  constructor(placeholder: DataTexture) {
    this.map = texture(placeholder, equirectUV(this.rotation.mul(vec4(normalWorldGeometry, 0)).xyz));
    const material = new NodeMaterial();
    material.name = 'spatialgen.sky';
    material.side = BackSide;
    material.depthWrite = false;
    // w = 0: the sphere moves with the camera; z = w: at the far plane, behind everything (less-or-equal passes there)
    const clip = cameraProjectionMatrix.mul(vec4(modelViewMatrix.mul(vec4(positionLocal, 0)).xyz, 1));
    material.vertexNode = clip.setZ(clip.w);
    material.colorNode = vec4(this.map.rgb.mul(this.intensity), 1);
    this.mesh = new Mesh(new SphereGeometry(1, 32, 16), material);
    this.mesh.name = 'sky';
    this.mesh.frustumCulled = false;
    this.mesh.renderOrder = Number.MAX_SAFE_INTEGER;
    this.mesh.castShadow = false;
    this.mesh.receiveShadow = false;
  }

  /** Shows `map` turned by `rotation` (the environment light's) at `intensity`. */
  show(map: DataTexture, rotation: Euler, intensity: number): void {
    this.map.value = map;
    // as three's backgroundRotation: the inverse (transpose) of the rotation, applied to the view direction
    this.rotation.value.makeRotationFromEuler(rotation).transpose();
    this.intensity.value = intensity;
    this.mesh.visible = true;
  }

  hide(): void {
    this.mesh.visible = false;
  }

  dispose(): void {
    this.mesh.geometry.dispose();
    (this.mesh.material as NodeMaterial).dispose();
  }
}
