// Asset thumbnails on the product's renderer, for the asset library's import and preview (which take it as a
// parameter: assets/ does not import generators/). The renderer runs in a child process, like every renderer the
// CLI starts, so that Dawn's adapter warnings can be filtered from its stderr (driver-noise.ts).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ThumbnailRenderer } from '../../assets/render/thumbnail.js';
import type { AssetInstance } from '../../assets/instance.js';
import { pipeChildStderr } from './driver-noise.js';

// under tsx the sources are .ts, once built .js (as workers/embedded.ts finds episode-child)
const childPath = fileURLToPath(new URL(`./thumbnail-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

/** A GPU thumbnail renderer in a child process; rejects (so the caller falls back to software) when it cannot start. */
export async function gpuThumbnails(): Promise<ThumbnailRenderer> {
  // typed arrays (meshes, pixels) cross the pipe as themselves with the advanced serialization
  const child = fork(childPath, [], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'], serialization: 'advanced' });
  pipeChildStderr(child);
  const waiting = new Map<number, { resolve: (rgba: Uint8Array) => void; reject: (e: Error) => void }>();
  let seq = 0;
  const adapter = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { ready?: string; error?: string }) => (m.ready !== undefined ? resolve(m.ready) : reject(new Error(m.error))));
    child.once('exit', (code) => reject(new Error(`thumbnail renderer exited (code ${code})`)));
  }).catch((e: Error) => {
    child.kill();
    throw e;
  });
  child.on('message', (m: { id?: number; rgba?: Uint8Array; error?: string }) => {
    const w = m.id === undefined ? undefined : waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id!);
    if (m.rgba) w.resolve(m.rgba);
    else w.reject(new Error(m.error));
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`thumbnail renderer exited (code ${code})`));
    waiting.clear();
  });
  return {
    kind: `gpu: ${adapter}`,
    render(a: AssetInstance): Promise<Uint8Array> {
      return new Promise((resolve, reject) => {
        const id = ++seq;
        waiting.set(id, { resolve, reject });
        child.send({ id, asset: a });
      });
    },
    close(): void {
      if (child.connected) child.disconnect();
    },
  };
}
