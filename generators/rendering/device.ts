// The process-wide GPU: Dawn (the `webgpu` npm package) exposed as `navigator.gpu`, one adapter, one device and
// one three.js WebGPURenderer on it. Everything rendered in this process goes through this one renderer, because
// pipelines take ~0.1–0.4 s to compile on lavapipe and three caches them per renderer: a renderer per episode
// would pay that again for every episode.
import { create, globals } from 'webgpu';
import { WebGPURenderer } from 'three/webgpu';
import { RendererUnavailableError } from './errors.js';

export interface GpuContext {
  three: WebGPURenderer;
  device: GPUDevice;
  /** e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)" or the NVIDIA card's name */
  adapterName: string;
  /** advances three's per-frame bookkeeping; call once before every render */
  tick(): void;
}

/** three's internal animation loop, which we drive ourselves (Node has no requestAnimationFrame). */
interface AnimationLike {
  setContext(context: { requestAnimationFrame(cb: (t: number) => void): number; cancelAnimationFrame(id: number): void }): void;
}

let pending: Promise<GpuContext> | null = null;
let current: GpuContext | null = null;
/** why the device died, if it did; every later render fails with it instead of hanging */
let lostReason: string | null = null;

/** The shared GPU context, created on first use. Throws RendererUnavailableError when there is no adapter. */
export function acquireGpu(): Promise<GpuContext> {
  if (lostReason !== null) return Promise.reject(new Error(`GPU device lost: ${lostReason}`));
  if (pending === null) {
    pending = bootstrap().catch((err: unknown) => {
      pending = null; // a later call may retry, e.g. after the driver was installed in a long-lived worker
      throw err;
    });
  }
  return pending;
}

export function gpuLostReason(): string | null {
  return lostReason;
}

/**
 * dawn.node resolves its promises (mapAsync, onSubmittedWorkDone) by polling Dawn from a native callback it
 * re-queues with `setImmediate` for as long as any is pending: with readbacks always in flight, that spins the
 * JS thread at 100% (hundreds of polls per frame) and steals a core from the software rasteriser. We give those
 * native callbacks — and only those: every JS caller of setImmediate is untouched — a timer instead, i.e. at
 * most one poll per millisecond. Dawn never clears these immediates, so the different handle type is unseen.
 * SPATIALGEN_DAWN_POLL=immediate keeps Dawn's own behaviour.
 */
function throttleDawnPolling(): void {
  if (process.env.SPATIALGEN_DAWN_POLL === 'immediate') return;
  const g = globalThis as { setImmediate: typeof setImmediate & { __spatialgenThrottled?: true } };
  if (g.setImmediate.__spatialgenThrottled) return;
  const original = g.setImmediate;
  const fnToString = Function.prototype.toString;
  const throttled = function (this: unknown, fn: (...a: unknown[]) => void, ...args: unknown[]) {
    if (typeof fn === 'function' && fn.length === 0 && fnToString.call(fn).endsWith('{ [native code] }')) {
      return setTimeout(fn, 0, ...args) as unknown as NodeJS.Immediate;
    }
    return original.call(this, fn as never, ...(args as []));
  } as typeof setImmediate & { __spatialgenThrottled?: true };
  Object.assign(throttled, original);
  throttled.__spatialgenThrottled = true;
  g.setImmediate = throttled;
}

async function bootstrap(): Promise<GpuContext> {
  let gpu: GPU;
  throttleDawnPolling();
  try {
    // three reads GPUBufferUsage, GPUTextureUsage, GPUMapMode… as globals when it creates resources.
    for (const [k, v] of Object.entries(globals as Record<string, unknown>)) {
      if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    }
    gpu = create([]);
  } catch (err) {
    throw new RendererUnavailableError(`cannot load Dawn: ${(err as Error).message}`, { cause: err });
  }
  // three's WebGPUBackend looks for `navigator` (user agent sniffing); Node 20 has none.
  const g = globalThis as { navigator?: { gpu?: GPU; userAgent?: string } };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true, writable: true });
  } else if (g.navigator.gpu === undefined) {
    try {
      Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
    } catch {
      // a read-only navigator (Node ≥ 21 has one): three only needs it for sniffing, we hand it the device
    }
  }

  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ featureLevel: 'core', powerPreference: 'high-performance' });
  } catch (err) {
    throw new RendererUnavailableError((err as Error).message, { cause: err });
  }
  if (adapter === null) throw new RendererUnavailableError('Dawn found no Vulkan adapter');

  let device: GPUDevice;
  try {
    // Every optional feature the adapter has, as three would ask for (it picks formats by them), except
    // timestamp queries, which we do not use.
    const requiredFeatures = [...adapter.features].filter((f) => f !== 'timestamp-query') as GPUFeatureName[];
    device = await adapter.requestDevice({ requiredFeatures });
  } catch (err) {
    throw new RendererUnavailableError(`the adapter refused a device: ${(err as Error).message}`, { cause: err });
  }
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') lostReason = info.message || String(info.reason);
  });

  // WebGPURenderer wants a canvas; we never draw to it (every frame goes to a render target).
  const canvas = {
    width: 1,
    height: 1,
    style: {},
    addEventListener() {},
    removeEventListener() {},
    getContext() {
      throw new Error('spatialgen renders off-screen only');
    },
  };
  const three = new WebGPURenderer({ canvas: canvas as unknown as HTMLCanvasElement, device, antialias: false, alpha: false });
  await three.init();
  three.shadowMap.enabled = true;

  // three advances its frame counter (shadow maps, light uniforms and `info` are per frame) from
  // requestAnimationFrame. We own that clock: three registers its callback here, tick() runs it once.
  let frameCallback: ((t: number) => void) | null = null;
  const animation = (three as unknown as { _animation: AnimationLike })._animation;
  animation.setContext({
    requestAnimationFrame(cb) {
      frameCallback = cb;
      return 1;
    },
    cancelAnimationFrame() {
      frameCallback = null;
    },
  });
  let frameTime = 0;
  const tick = () => {
    const cb = frameCallback;
    frameCallback = null;
    // a fixed step, not wall time: nothing we render may depend on when it was rendered
    if (cb !== null) cb((frameTime += 1000 / 60));
  };

  const info = adapter.info;
  const adapterName = info.description || [info.vendor, info.architecture, info.device].filter(Boolean).join(' ') || 'unknown adapter';
  current = { three, device, adapterName, tick };
  return current;
}

/**
 * Frees the GPU for this process (tests, a worker shutting down). Renderers created before are unusable after;
 * a later acquireGpu() starts a fresh device.
 */
export function shutdownGpu(): void {
  const ctx = current;
  current = null;
  pending = null;
  if (ctx === null) return;
  ctx.three.dispose();
  ctx.device.destroy();
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  // the Dawn instance lives as long as something references it
  if (nav?.gpu !== undefined) {
    try {
      delete nav.gpu;
    } catch {
      /* read-only navigator: nothing to release */
    }
  }
}
