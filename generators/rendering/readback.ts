// GPU → Node copies of the three MRT attachments, asynchronous and pipelined.
// three's readRenderTargetPixelsAsync makes a new buffer, a command buffer and a map per attachment; here one
// command buffer copies all three attachments into one pooled staging buffer and one mapAsync brings it back.
// Frame N+1 may be rendered into the same render target before frame N's map resolves: the copy was queued
// before N+1's draws, and the queue runs in order, so reusing the target is safe; only staging buffers (which
// stay locked while mapped) need one per frame in flight.
import type { RenderTarget, WebGPURenderer } from 'three/webgpu';
import { BYTES_PER_TEXEL } from './mrt.js';

/** WebGPU's texture → buffer copies need rows padded to 256 bytes (widths not a multiple of 64 texels). */
const ROW_ALIGN = 256;
/** staging buffers kept per size once the burst that needed them is over */
const MAX_IDLE_PER_SIZE = 8;
/** recycled output arrays kept per size */
const MAX_RECYCLED_PER_SIZE = 8;

export interface Planes {
  rgba: Uint8Array;
  depth: Float32Array;
  ids: Uint32Array;
}

interface Layout {
  width: number;
  height: number;
  rowBytes: number;
  stride: number;
  plane: number;
}

interface BackendLike {
  get(resource: object): { texture?: GPUTexture };
}

export class Readback {
  private readonly idle = new Map<string, GPUBuffer[]>();
  /**
   * Output arrays handed back by callers (recycle()). A 640×480 frame is 3.7 MB of typed arrays; allocating that
   * per frame made V8 collect garbage for a quarter of the JS thread's time.
   */
  private readonly recycled = new Map<string, Planes[]>();
  private inFlight = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly three: WebGPURenderer,
  ) {}

  /** Number of readbacks submitted and not yet resolved. */
  get pending(): number {
    return this.inFlight;
  }

  /**
   * Queues the copy of `rt`'s attachments now (so it sees exactly what the last render drew) and resolves
   * when the data is in Node. Row 0 of every plane is the top image row: WebGPU textures are stored top-down.
   */
  read(rt: RenderTarget): Promise<Planes> {
    const width = rt.width;
    const height = rt.height;
    const rowBytes = width * BYTES_PER_TEXEL;
    const stride = Math.ceil(rowBytes / ROW_ALIGN) * ROW_ALIGN;
    const layout: Layout = { width, height, rowBytes, stride, plane: stride * height };
    const key = `${width}x${height}`;
    const buffer = this.idle.get(key)?.pop() ?? this.device.createBuffer({ size: layout.plane * 3, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ, label: `spatialgen readback ${key}` });

    const backend = this.three.backend as unknown as BackendLike;
    const encoder = this.device.createCommandEncoder({ label: 'spatialgen readback' });
    rt.textures.forEach((tex, i) => {
      const gpuTexture = backend.get(tex).texture;
      if (gpuTexture === undefined) throw new Error('render target not initialised: render before reading back');
      encoder.copyTextureToBuffer(
        { texture: gpuTexture },
        { buffer, offset: i * layout.plane, bytesPerRow: stride, rowsPerImage: height },
        { width, height },
      );
    });
    this.device.queue.submit([encoder.finish()]);
    this.inFlight++;

    return buffer.mapAsync(GPUMapMode.READ).then(
      () => {
        this.inFlight--;
        const planes = unpack(new Uint8Array(buffer.getMappedRange()), layout, this.recycled.get(key)?.pop());
        buffer.unmap();
        const free = this.idle.get(key) ?? [];
        if (free.length < MAX_IDLE_PER_SIZE) {
          free.push(buffer);
          this.idle.set(key, free);
        } else buffer.destroy();
        return planes;
      },
      (err: unknown) => {
        this.inFlight--;
        buffer.destroy();
        throw err;
      },
    );
  }

  /** Takes back a frame's arrays for reuse by a later frame of the same size. */
  recycle(width: number, height: number, planes: Planes): void {
    const n = width * height;
    if (planes.rgba.length !== n * 4 || planes.depth.length !== n || planes.ids.length !== n) return;
    const key = `${width}x${height}`;
    const list = this.recycled.get(key) ?? [];
    if (list.length >= MAX_RECYCLED_PER_SIZE || list.some((p) => p.rgba === planes.rgba)) return;
    list.push({ rgba: planes.rgba, depth: planes.depth, ids: planes.ids });
    this.recycled.set(key, list);
  }

  /** Frees the staging buffers of sizes no longer rendered. */
  dropSize(width: number, height: number): void {
    const key = `${width}x${height}`;
    for (const b of this.idle.get(key) ?? []) b.destroy();
    this.idle.delete(key);
    this.recycled.delete(key);
  }

  dispose(): void {
    for (const list of this.idle.values()) for (const b of list) b.destroy();
    this.idle.clear();
    this.recycled.clear();
  }
}

/** Copies the padded planes out of the mapped range (which dies at unmap) into tightly packed arrays. */
function unpack(src: Uint8Array, l: Layout, reuse?: Planes): Planes {
  const n = l.width * l.height;
  // every byte is overwritten below, so recycled arrays need no clearing
  const rgba = reuse?.rgba ?? new Uint8Array(n * 4);
  const depth = reuse?.depth ?? new Float32Array(n);
  const ids = reuse?.ids ?? new Uint32Array(n);
  const targets = [rgba, new Uint8Array(depth.buffer), new Uint8Array(ids.buffer)];
  targets.forEach((dst, i) => {
    const base = i * l.plane;
    if (l.stride === l.rowBytes) {
      dst.set(src.subarray(base, base + l.rowBytes * l.height));
    } else {
      for (let y = 0; y < l.height; y++) {
        const o = base + y * l.stride;
        dst.set(src.subarray(o, o + l.rowBytes), y * l.rowBytes);
      }
    }
  });
  return { rgba, depth, ids };
}
