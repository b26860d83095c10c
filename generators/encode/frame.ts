// One rendered frame → the Image values of its stage-2 columns (colour, and depth and instance ids when the config
// keeps them). Encoding runs on libuv's thread pool while the caller annotates; each ImageValue is filled in when its
// bytes are ready, and the frame's arrays go back to the renderer once every encode has read them (saves the garbage
// collector ~20 % per frame). `done()` resolves when every value is filled and every frame handed back.
import type { BuildConfig } from '../../schemas/config.js';
import type { ImageValue } from '../../schemas/records.js';
import type { FrameBuffers, Renderer } from '../rendering/index.js';
import { encodeColor, encodeDepthMm, encodeInstanceIds } from './images.js';

export interface FrameImages {
  image: ImageValue;
  depth?: ImageValue;
  segmentation?: ImageValue;
}

export class FrameEncoder {
  private readonly work: Promise<void>[] = [];

  constructor(private readonly render: BuildConfig['render'], private readonly renderer: Renderer) {}

  /**
   * Starts the encodes of one frame. The frame's arrays stay valid until the caller next awaits: read them (ids for
   * annotation) synchronously after this call.
   */
  encode(buf: FrameBuffers): FrameImages {
    const encodes: Promise<void>[] = [];
    const value = (bytes: Promise<Uint8Array>): ImageValue => {
      const v: ImageValue = { bytes: new Uint8Array(0), path: null };
      encodes.push(bytes.then((b) => void (v.bytes = b)));
      return v;
    };
    const r = this.render;
    const out: FrameImages = { image: value(encodeColor(buf.rgba, buf.width, buf.height, r.image_format, r.jpeg_quality)) };
    if (r.depth) out.depth = value(encodeDepthMm(buf.depth, buf.width, buf.height));
    if (r.segmentation) out.segmentation = value(encodeInstanceIds(buf.ids, buf.width, buf.height));
    const recycled = Promise.all(encodes).then(() => this.renderer.recycle(buf));
    // handled here and still rejected in done(): a caller that stops early must not leave unhandled rejections
    for (const p of [...encodes, recycled]) p.catch(() => {});
    this.work.push(...encodes, recycled);
    return out;
  }

  async done(): Promise<void> {
    await Promise.all(this.work);
  }
}
