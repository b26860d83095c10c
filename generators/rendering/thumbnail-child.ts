// The process gpuThumbnails (thumbnails.ts) renders asset thumbnails in: a Renderer of its own, answering one
// request at a time over IPC. It says `{ready: adapter}` or `{error}` first.
import '../../core/orphan-guard.js';
import { THUMB_SIZE, thumbScene } from '../../assets/render/thumbnail.js';
import type { AssetInstance } from '../../assets/instance.js';
import { Renderer } from './renderer.js';

const send = (m: unknown) => process.send?.(m);

try {
  const r = await Renderer.create();
  // one request at a time: a scene is set, its textures loaded and rendered before the next is set
  let last: Promise<unknown> = Promise.resolve();
  process.on('message', (m: { id: number; asset: AssetInstance }) => {
    last = last.then(async () => {
      const a = m.asset;
      const scene = thumbScene(a);
      const d = Math.max(...a.size) * 1.7;
      const c = a.size[2] / 2;
      await r.loadTextures(scene);
      r.setScene(scene);
      return r.render({ name: 'thumbnail', width: THUMB_SIZE, height: THUMB_SIZE, fovYDeg: 35, position: [d, -d * 1.1, c + d * 0.9], target: [0, 0, c] });
    }).then(
      (f) => send({ id: m.id, rgba: f.rgba }),
      (e: Error) => send({ id: m.id, error: e.message.split('\n')[0] }),
    );
  });
  send({ ready: r.adapterName });
} catch (e) {
  send({ error: (e as Error).message.split('\n')[0] });
}
