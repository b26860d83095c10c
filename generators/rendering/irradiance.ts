// The room's diffuse light as nine spherical-harmonic coefficients (Ramamoorthi & Hanrahan 2001, "An Efficient
// Representation for Irradiance Environment Maps"), as Filament, Unity and Unreal light diffuse surfaces, instead of
// three's second lookup into the prefiltered cube per pixel (its "roughness 1" level). Irradiance is a low-frequency
// function of the normal: the first three SH bands hold it to ~3 % (the paper's bound), and nine multiply-adds cost
// less than a cube lookup, which lavapipe filters in software (~1.2 ms of a 256² frame, BENCHMARKS § Render).
// The specular part (radiance along the reflected ray, blurred by roughness) still comes from three's cube.
//
// The coefficients are projected once per map (when it is loaded, with its prefiltering), in the map's own frame, with
// directions as three's equirectUV reads the map; a shader turns the normal into that frame by the same matrix three
// turns its cube lookups by (materialEnvRotation: the episode's turn of the map) and scales by the same intensity.
import { DataUtils, type DataTexture, EnvironmentNode, type NodeBuilder, type Scene as ThreeScene, Vector3 } from 'three/webgpu';
import { float, materialEnvIntensity, materialEnvRotation, normalWorld, uniform, vec3, vec4 } from 'three/tsl';

/** ThreeScene.userData key of the irradiance coefficients its materials read (SceneSync sets it per scene) */
export const IRRADIANCE_KEY = 'roomIrradiance';

/**
 * A map's irradiance as nine rgb coefficients (27 floats, linear), premultiplied by the cosine lobe's band factors and
 * the basis constants, so that E(n) = c0 + c1·y + c2·z + c3·x + c4·xy + c5·yz + c6·(3z² − 1) + c7·xz + c8·(x² − y²)
 * for a unit direction n in the map's frame (y up, as equirectUV).
 */
export function irradianceCoefficients(map: DataTexture): Float32Array {
  const { width: w, height: h } = map.image as { width: number; height: number };
  const data = map.image.data as Uint16Array | Float32Array;
  const stride = data.length / (w * h);
  const half = data instanceof Uint16Array ? halfTable() : null;
  const radiance = new Float64Array(27);
  const dPhi = (2 * Math.PI) / w, dTheta = Math.PI / h;
  for (let j = 0; j < h; j++) {
    // the file's first row is the top of the room (y = +1): equirectUV's v = asin(y)/π + 0.5 runs up from the bottom
    const v = 1 - (j + 0.5) / h;
    const y = Math.sin((v - 0.5) * Math.PI);
    const c = Math.sqrt(1 - y * y);
    const dOmega = dPhi * dTheta * c;
    for (let i = 0; i < w; i++) {
      // equirectUV's u = atan2(z, x)/2π + 0.5
      const phi = ((i + 0.5) / w - 0.5) * 2 * Math.PI;
      const x = c * Math.cos(phi), z = c * Math.sin(phi);
      const basis = [0.282095, 0.488603 * y, 0.488603 * z, 0.488603 * x, 1.092548 * x * y, 1.092548 * y * z, 0.315392 * (3 * z * z - 1), 1.092548 * x * z, 0.546274 * (x * x - y * y)];
      const p = (j * w + i) * stride;
      for (let ch = 0; ch < 3; ch++) {
        const L = (half ? half[data[p + ch]] : data[p + ch]) * dOmega;
        for (let k = 0; k < 9; k++) radiance[3 * k + ch] += L * basis[k];
      }
    }
  }
  // E = Σ Â_l L_lm Y_lm: Â = π, 2π/3, π/4 by band; Y's constants once more (the basis above gave them once)
  const scale = [Math.PI * 0.282095, ...Array(3).fill(((2 * Math.PI) / 3) * 0.488603), (Math.PI / 4) * 1.092548, (Math.PI / 4) * 1.092548, (Math.PI / 4) * 0.315392, (Math.PI / 4) * 1.092548, (Math.PI / 4) * 0.546274];
  return Float32Array.from(radiance, (r, i) => r * scale[Math.floor(i / 3)]);
}

let halfs: Float32Array | null = null;
function halfTable(): Float32Array {
  halfs ??= Float32Array.from({ length: 65536 }, (_, i) => DataUtils.fromHalfFloat(i));
  return halfs;
}

const NONE = new Float32Array(27);
/** the nine coefficients as uniforms, read per render from the scene being drawn (into one vector each, not a new one) */
const coefficients = Array.from({ length: 9 }, (_, k) => {
  const value = new Vector3();
  return uniform(value).onRenderUpdate(({ scene }) => {
    const c = ((scene as ThreeScene | null)?.userData[IRRADIANCE_KEY] as Float32Array | undefined) ?? NONE;
    return value.set(c[3 * k], c[3 * k + 1], c[3 * k + 2]);
  });
});

/**
 * three's environment light with the diffuse part from the coefficients: three's node adds radiance and a cube lookup's
 * irradiance; the latter is sent to a variable nothing reads (the shader compiler drops the lookup) and the SH
 * irradiance is added in its place.
 */
export class RoomLightNode extends EnvironmentNode {
  override setup(builder: NodeBuilder): null {
    const context = builder.context as { iblIrradiance: ReturnType<typeof vec3> };
    const into = context.iblIrradiance;
    context.iblIrradiance = vec3().toVar() as unknown as typeof into;
    super.setup(builder);
    context.iblIrradiance = into;
    const n = materialEnvRotation.mul(vec4(normalWorld, 0)).xyz;
    const [c0, c1, c2, c3, c4, c5, c6, c7, c8] = coefficients;
    const e = c0
      .add(c1.mul(n.y)).add(c2.mul(n.z)).add(c3.mul(n.x))
      .add(c4.mul(n.x.mul(n.y))).add(c5.mul(n.y.mul(n.z))).add(c6.mul(n.z.mul(n.z).mul(3).sub(1)))
      .add(c7.mul(n.x.mul(n.z))).add(c8.mul(n.x.mul(n.x).sub(n.y.mul(n.y))));
    into.addAssign(e.max(float(0)).mul(materialEnvIntensity));
    return null;
  }
}
