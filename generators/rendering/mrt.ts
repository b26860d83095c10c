// The one-pass output: a render target with three colour attachments written by the same fragment shader
// (three's MRT), so colour, depth and ids come from one rasterisation and always agree pixel for pixel.
//   0 "output"   rgba8unorm-srgb  the shaded colour; the GPU encodes linear → sRGB on store
//   1 "camZ"     r32float         OpenCV camera-frame z in metres (-view-space z: along the optical axis, not
//                                 the ray length); cleared to 0 = no surface
//   2 "objectId" r32uint          SceneObject.id from the mesh's userData; cleared to 0 = background
// Non-first attachments are cleared to 0 by three (only attachment 0 gets the background colour). An environment map
// behind the table is drawn as a mesh that writes every attachment: its camZ is forced to 0 where the id is 0, so
// "no surface" stays 0 whatever stands behind the table.
// The colour of a scene with an exposure is tone-mapped (Khronos PBR Neutral: a small toe in the darks, colours up to
// ~0.8 otherwise kept, highlights rolled off instead of clipped) with that exposure: three's renderer.toneMapping does
// not apply to one's own render target.
// Note: an MRT output named "depth" would be taken by three as the depth-buffer value; hence "camZ".
import { FloatType, NeutralToneMapping, RedFormat, RedIntegerFormat, RenderTarget, SRGBColorSpace, UnsignedIntType } from 'three/webgpu';
import { float, mrt, output, positionView, select, toneMapping, uniform, userData } from 'three/tsl';
import { INSTANCE_ID_KEY } from './sceneSync.js';

export const ATTACHMENTS = ['output', 'camZ', 'objectId'] as const;
/** every attachment is 4 bytes per texel, which keeps the readback layout uniform */
export const BYTES_PER_TEXEL = 4;

/**
 * The MRT outputs: `toned` for scenes with an exposure (the exposure uniform set per scene), `plain` for scenes
 * without one (colours as shaded, clipped at 1: what a texture or albedo check compares against).
 */
export function createMrtNode() {
  const exposure = uniform(1);
  const id = userData(INSTANCE_ID_KEY, 'float') as unknown as ReturnType<typeof float>;
  const camZ = select(id.greaterThan(0.5), positionView.z.negate(), float(0));
  return {
    toned: mrt({ output: toneMapping(NeutralToneMapping, exposure, output), camZ, objectId: id }),
    plain: mrt({ output, camZ, objectId: id }),
    exposure,
  };
}

export function createFrameTarget(width: number, height: number): RenderTarget {
  const rt = new RenderTarget(width, height, { count: ATTACHMENTS.length, depthBuffer: true, stencilBuffer: false, samples: 0 });
  const [color, camZ, ids] = rt.textures;
  color.name = ATTACHMENTS[0];
  color.colorSpace = SRGBColorSpace;
  camZ.name = ATTACHMENTS[1];
  camZ.type = FloatType;
  camZ.format = RedFormat;
  ids.name = ATTACHMENTS[2];
  ids.type = UnsignedIntType;
  ids.format = RedIntegerFormat;
  for (const t of rt.textures) t.generateMipmaps = false;
  return rt;
}
