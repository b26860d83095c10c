// Asset thumbnails on the product's renderer, for the asset library's import and preview (which take it as a
// parameter: assets/ does not import generators/).
import { THUMB_SIZE, thumbScene, type ThumbnailRenderer } from '../../assets/render/thumbnail.js';
import type { AssetInstance } from '../../assets/instance.js';
import { Renderer } from './renderer.js';

export async function gpuThumbnails(): Promise<ThumbnailRenderer> {
  const r = await Renderer.create();
  return {
    kind: `gpu: ${r.adapterName}`,
    async render(a: AssetInstance): Promise<Uint8Array> {
      r.setScene(thumbScene(a));
      const d = Math.max(...a.size) * 1.7;
      const c = a.size[2] / 2;
      const f = await r.render({ name: 'thumbnail', width: THUMB_SIZE, height: THUMB_SIZE, fovYDeg: 35, position: [d, -d * 1.1, c + d * 0.9], target: [0, 0, c] });
      return f.rgba;
    },
    close(): void {
      r.dispose();
    },
  };
}
