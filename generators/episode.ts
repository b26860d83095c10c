// One episode, end to end: seeded scene → scripted demo in physics → rendered frames → annotations → stage-2 rows
// and stage-1 samples. Pure with respect to (config, index): the same pair gives the same EpisodeOutput on any
// worker, which is what lets builds retry, spread and resume without changing a byte.
import type { BuildConfig } from '../schemas/config.js';
import type { CameraFrame, EpisodeOutput, ImageValue, Stage1Sample, Stage2Frame } from '../schemas/records.js';
import { idRegions, objectBoxes } from './annotation/boxes.js';
import { groundingSamples } from './annotation/grounding.js';
import { futureTraces } from './annotation/trace.js';
import { type CameraModel, cameraModel, project } from '../core/camera.js';
import { applyStep, type EpisodeRecording } from './demos/recording.js';
import { recordPushDemo } from './demos/push.js';
import { recordPickPlaceDemo } from './demos/pick-place.js';
import { encodeColor, encodeDepthMm, encodeInstanceIds } from './encode/images.js';
import { parseCoordFormat } from '../schemas/coord-format.js';
import { type Pose, type Quat, type Vec2, type Vec3, mat3Multiply, mat3ToEulerXYZ, mat3Transpose, quatMultiply, quatToMat3, rotate, sub } from '../core/math.js';
import { Rng } from '../core/random.js';
import { buildId, episodeId, episodeSeed, episodeSplit } from '../schemas/identity.js';
import type { FrameBuffers, Renderer } from './rendering/index.js';
import { sampleScene } from './scene/sample.js';
import type { Scene } from '../core/scene.js';

const poseArray = (p: Pose): number[] => [...p.position, ...p.quaternion];
const conj = (q: Quat): Quat => [-q[0], -q[1], -q[2], q[3]];

/** A world pose expressed in the robot base frame. */
export function inBase(base: Pose, p: Pose): Pose {
  const inv = conj(base.quaternion);
  return { position: rotate(inv, sub(p.position, base.position)), quaternion: quatMultiply(inv, p.quaternion) };
}

/** SPEC action: TCP change from this step to the next in the base frame; rotation as extrinsic XYZ of R_next·R_thisᵀ. */
export function tcpAction(thisTcp: Pose, nextTcp: Pose, gripperClose: boolean): number[] {
  const d = sub(nextTcp.position, thisTcp.position);
  const r = mat3Multiply(quatToMat3(nextTcp.quaternion), mat3Transpose(quatToMat3(thisTcp.quaternion)));
  return [...d, ...mat3ToEulerXYZ(r), gripperClose ? 1 : 0];
}

/** The SPEC action of every recorded step (the last one: no motion, the gripper as it is). */
export function episodeActions(rec: EpisodeRecording): number[][] {
  const base = rec.steps.map((s) => inBase(rec.robotBase, s.tcp));
  return rec.steps.map((s, k) => (k + 1 < rec.steps.length ? tcpAction(base[k], base[k + 1], rec.steps[k + 1].gripperClosed) : [0, 0, 0, 0, 0, 0, s.gripperClosed ? 1 : 0]));
}

const IN_FLIGHT = 4;

interface RenderedStep {
  buffers: FrameBuffers[];
}

/** Renders every recorded step from every camera, keeping several frames in flight so the GPU readback overlaps CPU work. */
export async function renderSteps(renderer: Renderer, scene: Scene, rec: EpisodeRecording, inFlight = IN_FLIGHT): Promise<RenderedStep[]> {
  renderer.setScene(scene);
  const out: Promise<RenderedStep>[] = [];
  for (let k = 0; k < rec.steps.length; k++) {
    applyStep(scene, rec.steps[k]);
    out.push(Promise.all(scene.cameras.map((c) => renderer.render(c))).then((buffers) => ({ buffers })));
    if (k >= inFlight) await out[k - inFlight];
  }
  return Promise.all(out);
}

/** The scripted demo the config asks for; pick-and-place adds the robot's links to the scene. */
export function recordDemo(scene: Scene, config: BuildConfig, rng: Rng): Promise<EpisodeRecording> {
  if (config.task.kind === 'push') return recordPushDemo(scene, config, rng);
  const t = config.task;
  return recordPickPlaceDemo(scene, config, rng, t.robot, { tasks: t.primitives, liftHeight: t.lift_height, nearDistance: t.near_distance, maxSeconds: t.max_seconds });
}

export async function runEpisode(config: BuildConfig, index: number, renderer: Renderer): Promise<EpisodeOutput> {
  const build = buildId(config);
  const id = episodeId(build, index);
  const seed = episodeSeed(config, index);
  const rng = new Rng(seed);
  const scene = sampleScene(config, rng.fork('scene'));
  const rec = await recordDemo(scene, config, rng.fork('demo'));
  const cams: CameraModel[] = scene.cameras.map(cameraModel);
  const fmt = parseCoordFormat(config.stage1.coord_format);
  const baseTcp = rec.steps.map((s) => inBase(rec.robotBase, s.tcp));
  const actions = episodeActions(rec);
  const traces = futureTraces(rec.steps.map((s) => [...s.tcp.position] as Vec3), rec.steps.map((s) => s.gripperClosed));
  // the frames at which the gripper first closes, and then first opens again (grasp and place events)
  const grasp = rec.steps.findIndex((st) => st.gripperClosed);
  const events = { grasp: grasp < 0 ? rec.steps.length : grasp, release: grasp < 0 ? rec.steps.length : rec.steps.findIndex((st, k) => k > grasp && !st.gripperClosed) };
  if (events.release < 0) events.release = rec.steps.length;
  const frames: Stage2Frame[] = [];
  const samples: Stage1Sample[] = [];
  const sampleRng = rng.fork('stage1');

  // Frames stream through: the GPU renders step k + IN_FLIGHT while the CPU annotates step k, and image encodes run
  // on libuv's pool until the end. Encoded bytes are filled into their ImageValue when ready (shared by both stages).
  renderer.setScene(scene);
  const renders: Promise<FrameBuffers[]>[] = [];
  const submit = (k: number) => {
    if (k >= rec.steps.length) return;
    applyStep(scene, rec.steps[k]);
    renders[k] = Promise.all(scene.cameras.map((c) => renderer.render(c)));
  };
  for (let k = 0; k < IN_FLIGHT; k++) submit(k);
  const encodes: Promise<void>[] = [];
  const recycles: Promise<void>[] = [];
  const encoded = (p: Promise<Uint8Array>): ImageValue => {
    const v: ImageValue = { bytes: new Uint8Array(0), path: null };
    encodes.push(p.then((b) => void (v.bytes = b)));
    return v;
  };

  for (let k = 0; k < rec.steps.length; k++) {
    const step = rec.steps[k];
    const buffers = await renders[k];
    submit(k + IN_FLIGHT);
    applyStep(scene, step);
    const next = rec.steps[Math.min(k + 1, rec.steps.length - 1)];
    const cameras: Record<string, CameraFrame> = {};
    for (let c = 0; c < cams.length; c++) {
      const cam = cams[c];
      const buf = buffers[c];
      const regions = idRegions(buf.ids, buf.width, buf.height);
      const boxes = objectBoxes(cam, scene.objects, regions);
      const image = encoded(encodeColor(buf.rgba, buf.width, buf.height, config.render.image_format, config.render.jpeg_quality));
      const depth = config.render.depth ? encoded(encodeDepthMm(buf.depth, buf.width, buf.height)) : undefined;
      const segmentation = config.render.segmentation ? encoded(encodeInstanceIds(buf.ids, buf.width, buf.height)) : undefined;
      const pending = encodes.slice(-(1 + Number(!!depth) + Number(!!segmentation)));
      // the frame's arrays go back to the renderer once every encode has read them (saves the GC ~20 % per frame)
      recycles.push(Promise.all(pending).then(() => renderer.recycle(buf)));
      const trace2d = traces[k].map((p) => project(cam, p) as Vec2);
      cameras[cam.name] = {
        image, depth, segmentation,
        K: cam.K, T_world_to_cam: cam.T_world_to_cam, boxes,
        trace_2d: trace2d.map((p) => [p[0], p[1]]),
        grasp_point: rec.graspPoint3d && project(cam, rec.graspPoint3d),
        place_point: rec.placePoint3d && project(cam, rec.placePoint3d),
      };
      if (k % config.stage1.every_n_frames === 0) {
        // grounding reads the id buffer now, before the recycle above can run (it waits for an await)
        samples.push(...groundingSamples(
          {
            episodeId: id, frameIndex: k, camera: cam, image, ids: buf.ids,
            visiblePixels: new Map([...regions].map(([oid, r]) => [oid, r.pixels])), boxes, objects: scene.objects,
            instruction: rec.instruction, targetIds: rec.targetIds, trace3d: traces[k], trace2d,
            graspPoint: rec.graspPoint3d && k < events.grasp ? project(cam, rec.graspPoint3d) : null,
            placePoint: rec.placePoint3d && k < events.release ? project(cam, rec.placePoint3d) : null,
          },
          sampleRng.fork(`${k}/${cam.name}`),
          { coordFormat: fmt, minVisiblePixels: config.stage1.min_visible_pixels },
        ));
      }
    }
    frames.push({
      episode_id: id, episode_index: index, frame_index: k, timestamp: step.time,
      task: rec.task, instruction: rec.instruction, spatial_prompt: rec.spatialPrompt, cameras,
      state: [...step.jointPositions, step.gripperOpening],
      eef_pose: poseArray(baseTcp[k]),
      base_pose: poseArray(rec.robotBase),
      action: actions[k],
      action_joint_position: [...next.jointPositions],
      trace_3d: traces[k].map((p) => [p[0], p[1], p[2]]),
      grasp_point_3d: rec.graspPoint3d, place_point_3d: rec.placePoint3d,
    });
  }

  await Promise.all([...encodes, ...recycles]);
  return {
    episode: {
      episode_id: id, episode_index: index, seed, split: episodeSplit(config, id), task: rec.task, instruction: rec.instruction,
      assets: [...new Set(scene.objects.filter((o) => o.annotated).map((o) => o.assetId))].sort(),
      success: rec.success, failure_reason: rec.failureReason, num_frames: frames.length, content_hash: '',
    },
    frames,
    samples,
  };
}
