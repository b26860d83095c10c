// Step 2 of an episode, render: every recorded step from every camera, in step order, with several steps in flight
// so that the GPU renders and reads back step k + IN_FLIGHT while the caller annotates and encodes step k. The one
// render loop of the product: builds and bench/ both use it.
import type { Scene } from '../../core/scene.js';
import { mountedAt } from '../../core/camera.js';
import { applyStep, type EpisodeRecording, type RecordedStep } from '../demos/recording.js';
import type { FrameBuffers, Renderer } from '../rendering/index.js';

/** Steps rendered ahead of the one the caller holds: enough to keep the readback busy, few frames of memory. */
export const IN_FLIGHT = 4;

export interface RenderedStep {
  /** the step's index in the recording = its frame_index */
  index: number;
  step: RecordedStep;
  /** one frame per camera, in the scene's camera order; hand each back with `renderer.recycle` once done with it */
  buffers: FrameBuffers[];
}

/**
 * Yields every step of `rec` rendered from every camera of `scene`, in order. The scene's poses are wound to each
 * step as it is submitted (the renderer reads them at submission), so they are those of a later step while the
 * caller holds an earlier one: what a step shows must be read from `step`, never from `scene`.
 */
export async function* renderSteps(renderer: Renderer, scene: Scene, rec: EpisodeRecording, inFlight = IN_FLIGHT): AsyncGenerator<RenderedStep> {
  await renderer.loadTextures(scene);
  renderer.setScene(scene);
  const pending = new Map<number, Promise<FrameBuffers[]>>();
  const submit = (k: number) => {
    if (k >= rec.steps.length) return;
    applyStep(scene, rec.steps[k]);
    // a wrist camera rides on the tool: its world camera is where the step's TCP puts it
    pending.set(k, Promise.all(scene.cameras.map((c) => renderer.render(mountedAt(c, rec.steps[k].tcp)))));
  };
  for (let k = 0; k < inFlight; k++) submit(k);
  try {
    for (let k = 0; k < rec.steps.length; k++) {
      const buffers = await pending.get(k)!;
      pending.delete(k);
      submit(k + inFlight);
      yield { index: k, step: rec.steps[k], buffers };
    }
  } finally {
    // a caller that stops early leaves renders in flight: their failures must not surface as unhandled rejections
    for (const p of pending.values()) p.catch(() => {});
  }
}
