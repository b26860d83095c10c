// CameraSpec → three.js PerspectiveCamera, built from the very matrices camera.ts stores (K, T_world_to_cam),
// so a rendered pixel and the SPEC projection of its 3D point cannot disagree. The orientation is taken from
// extrinsics() rather than three's lookAt(): the two agree (up = world +z) except when looking straight down,
// where camera.ts has its own rule and three's lookAt another.
import { Matrix4, PerspectiveCamera, Vector3 } from 'three/webgpu';
import { extrinsics, type CameraSpec } from '../../core/camera.js';

export const DEFAULT_NEAR = 0.01;
export const DEFAULT_FAR = 50;
/** three keys render state per camera object: keep one per camera name, a bounded few */
const MAX_CAMERAS = 16;

const basis = new Matrix4();
const ax = new Vector3();
const ay = new Vector3();
const az = new Vector3();

export class CameraRig {
  private readonly cameras = new Map<string, PerspectiveCamera>();

  forSpec(spec: CameraSpec): PerspectiveCamera {
    let cam = this.cameras.get(spec.name);
    if (cam === undefined) {
      if (this.cameras.size >= MAX_CAMERAS) {
        const oldest = this.cameras.keys().next().value as string;
        this.cameras.delete(oldest);
      }
      cam = new PerspectiveCamera();
      this.cameras.set(spec.name, cam);
    }
    applySpec(cam, spec);
    return cam;
  }
}

export function applySpec(cam: PerspectiveCamera, spec: CameraSpec): void {
  if (!(spec.width > 0 && spec.height > 0 && Number.isInteger(spec.width) && Number.isInteger(spec.height))) {
    throw new Error(`camera "${spec.name}": size ${spec.width}×${spec.height} is not a positive integer size`);
  }
  // K: fy = (H/2) / tan(fovY/2), fx = fy, principal point at the image centre — three's projection exactly; an
  // offset principal point (cx = W/2 + dx) is the same projection viewed through a window moved by (-dx, -dy)
  cam.fov = spec.fovYDeg;
  cam.aspect = spec.width / spec.height;
  cam.near = spec.near ?? DEFAULT_NEAR;
  cam.far = spec.far ?? DEFAULT_FAR;
  const [dx, dy] = spec.principalOffset ?? [0, 0];
  if (dx !== 0 || dy !== 0) cam.setViewOffset(spec.width, spec.height, -dx, -dy, spec.width, spec.height);
  else cam.clearViewOffset();
  cam.updateProjectionMatrix();

  // T_world_to_cam rows are the OpenCV axes (x right, y down, z forward) in world coordinates; three's camera
  // looks down its -z with +y up: its axes are (x, -y, -z) of OpenCV's
  const T = extrinsics(spec);
  ax.set(T[0], T[1], T[2]);
  ay.set(-T[4], -T[5], -T[6]);
  az.set(-T[8], -T[9], -T[10]);
  basis.makeBasis(ax, ay, az);
  cam.quaternion.setFromRotationMatrix(basis);
  cam.position.set(spec.position[0], spec.position[1], spec.position[2]);
  cam.up.set(0, 0, 1);
  cam.updateMatrixWorld(true);
}
