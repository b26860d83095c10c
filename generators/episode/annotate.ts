// Step 3 of an episode, annotate: one recorded step and its rendered views → its stage-2 row and, every n-th step, its
// stage-1 samples. Poses come from the recorded step (never from the Scene, which the render step winds ahead), the
// visible pixels from that step's id buffers; projections use the SPEC camera model of core/camera.ts.
import type { BuildConfig } from '../../schemas/config.js';
import { type CoordFormat, parseCoordFormat } from '../../schemas/coord-format.js';
import type { CameraFrame, Stage1Sample, Stage2Frame } from '../../schemas/records.js';
import { type CameraModel, cameraModel, mountedAt, projectInFront } from '../../core/camera.js';
import type { Pose, Vec3 } from '../../core/math.js';
import type { SceneObject } from '../../core/scene.js';
import { episodeActions, inBase } from '../annotation/actions.js';
import { idRegions, objectBoxes } from '../annotation/boxes.js';
import { groundingSamples } from '../annotation/grounding.js';
import { futureTraces } from '../annotation/trace.js';
import type { RecordedStep } from '../demos/recording.js';
import type { FrameImages } from '../encode/frame.js';
import type { FrameBuffers } from '../rendering/index.js';
import type { SimulatedEpisode } from './simulate.js';

const poseArray = (p: Pose): number[] => [...p.position, ...p.quaternion];

/** The scene's objects as they stood at a recorded step (objects the step does not move keep their pose). */
export function objectsAt(objects: readonly SceneObject[], step: RecordedStep): SceneObject[] {
  return objects.map((o) => (step.poses[o.id] ? { ...o, pose: step.poses[o.id] } : o));
}

/** What every step of one episode shares: cameras, the answer format, and what the recording gives per step. */
export class EpisodeAnnotator {
  /** world cameras' models, the same every step; null for a mounted (wrist) camera, whose model is per step */
  private readonly fixedCams: (CameraModel | null)[];
  private readonly fmt: CoordFormat;
  private readonly baseTcp: Pose[];
  private readonly actions: number[][];
  private readonly traces: Vec3[][];
  /** the steps at which the gripper first closes, and then first opens again (grasp and place) */
  private readonly graspAt: number;
  private readonly releaseAt: number;

  constructor(private readonly config: BuildConfig, private readonly ep: SimulatedEpisode) {
    const rec = ep.recording;
    this.fixedCams = ep.scene.cameras.map((c) => (c.mount === undefined ? cameraModel(c) : null));
    this.fmt = parseCoordFormat(config.stage1.coord_format);
    this.baseTcp = rec.steps.map((s) => inBase(rec.robotBase, s.tcp));
    this.actions = episodeActions(rec);
    this.traces = futureTraces(rec.steps.map((s) => [...s.tcp.position] as Vec3), rec.steps.map((s) => s.gripperClosed));
    const grasp = rec.steps.findIndex((st) => st.gripperClosed);
    const release = grasp < 0 ? -1 : rec.steps.findIndex((st, k) => k > grasp && !st.gripperClosed);
    this.graspAt = grasp < 0 ? rec.steps.length : grasp;
    this.releaseAt = release < 0 ? rec.steps.length : release;
  }

  /**
   * Step k's stage-2 row and stage-1 samples. `buffers` and `images` are the step's views in camera order; the id
   * buffers are read before this returns.
   */
  step(k: number, step: RecordedStep, buffers: readonly FrameBuffers[], images: readonly FrameImages[]): { frame: Stage2Frame; samples: Stage1Sample[] } {
    const { config, ep } = this;
    const rec = ep.recording;
    const objects = objectsAt(ep.scene.objects, step);
    const trace3d = this.traces[k];
    const next = rec.steps[Math.min(k + 1, rec.steps.length - 1)];
    const cameras: Record<string, CameraFrame> = {};
    const samples: Stage1Sample[] = [];
    const cams = this.fixedCams.map((m, c) => m ?? cameraModel(mountedAt(ep.scene.cameras[c], step.tcp)));
    cams.forEach((cam, c) => {
      const buf = buffers[c];
      const regions = idRegions(buf.ids, buf.width, buf.height);
      const boxes = objectBoxes(cam, objects, regions);
      // points behind a (wrist) camera have no pixel: stored as null (core/camera.ts projectInFront)
      const trace2d = trace3d.map((p) => projectInFront(cam, p));
      const graspPoint = rec.graspPoint3d && projectInFront(cam, rec.graspPoint3d);
      const placePoint = rec.placePoint3d && projectInFront(cam, rec.placePoint3d);
      cameras[cam.name] = {
        ...images[c], K: cam.K, T_world_to_cam: cam.T_world_to_cam, boxes,
        trace_2d: trace2d.map((p) => p && [p[0], p[1]]),
        grasp_point: graspPoint,
        place_point: placePoint,
      };
      if (k % config.stage1.every_n_frames !== 0) return;
      samples.push(...groundingSamples(
        {
          episodeId: ep.id, frameIndex: k, camera: cam, image: images[c].image, ids: buf.ids,
          visiblePixels: new Map([...regions].map(([oid, r]) => [oid, r.pixels])), boxes, objects,
          instruction: rec.instruction, targetIds: rec.targetIds, trace3d, trace2d,
          // a grasp or place point is asked about only while it is still to come
          graspPoint: k < this.graspAt ? graspPoint : null,
          placePoint: k < this.releaseAt ? placePoint : null,
        },
        ep.stage1Rng.fork(`${k}/${cam.name}`),
        { coordFormat: this.fmt, minVisiblePixels: config.stage1.min_visible_pixels, phrasings: config.language.phrasings },
      ));
    });
    const frame: Stage2Frame = {
      episode_id: ep.id, episode_index: ep.index, frame_index: k, timestamp: step.time,
      task: rec.task, instruction: rec.instruction, spatial_prompt: rec.spatialPrompt, cameras,
      state: [...step.jointPositions, step.gripperOpening],
      eef_pose: poseArray(this.baseTcp[k]),
      base_pose: poseArray(rec.robotBase),
      action: this.actions[k],
      action_joint_position: [...next.jointPositions],
      trace_3d: trace3d.map((p) => [p[0], p[1], p[2]]),
      grasp_point_3d: rec.graspPoint3d, place_point_3d: rec.placePoint3d,
    };
    return { frame, samples };
  }
}
