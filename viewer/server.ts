// The HTTP side of `spatialgen view`: a read-only JSON API over a DatasetView and the page's three static files.
//
// Routes (GET or HEAD only; anything else is 404, so no path can name a file: nothing is served by path):
//   /  /app.js  /style.css                         the page (viewer/static/)
//   /api/overview                                  counts, splits, failure reasons, success by task and category, config
//   /api/episodes?split=&task=&success=&reason=&offset=&limit=     the episode table, filtered
//   /api/episode/<index>                           episodes.arrow row + every stage-2 row without images
//   /api/frame/<index>/<frame>/<camera>/<color|depth|segmentation> one stored image (depth and ids colour-mapped)
//   /api/stage1?split=&type=&shard=&row=&limit=    stage-1 samples without images, and the cursor of the next page
//   /api/stage1-image/<split>/<shard>/<row>        a stage-1 sample's image
//   /api/stats                                     stats.json and a sample of state/action rows
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { DatasetView } from './dataset.js';
import { depthPng, imageMime, segmentationPng } from './colormap.js';

// viewer/static from the sources and from dist/viewer alike
const STATIC_DIR = [new URL('./static/', import.meta.url), new URL('../../viewer/static/', import.meta.url)].map((u) => fileURLToPath(u)).find((p) => existsSync(`${p}index.html`))!;
const STATIC: Record<string, string> = { '/': 'index.html', '/index.html': 'index.html', '/app.js': 'app.js', '/style.css': 'style.css' };
const MIME: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** A response body that is JSON text already. */
class JsonText {
  constructor(readonly text: string) {}
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const notFound = () => new HttpError(404, 'not found');

function int(v: string | null | undefined, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (v === null || v === undefined || !/^\d{1,15}$/.test(v)) throw new HttpError(400, `${name} must be an integer`);
  const n = Number(v);
  if (n < min || n > max) throw new HttpError(400, `${name} out of range`);
  return n;
}

export interface ViewerOptions {
  /** asset id → category, for success per category (the library's, else the id's stem) */
  categoryOf: (assetId: string) => string;
}

export class ViewerServer {
  private readonly runs = new Map<number, { id: string; runs: ReturnType<DatasetView['frameRuns']> }>();
  /** the last few episodes' JSON, as sent (a player's back-and-forth, and the warm-up's first episode) */
  private readonly episodeJson = new Map<number, string>();
  private sampleCache: unknown;

  constructor(readonly ds: DatasetView, private readonly opts: ViewerOptions) {}

  listen(host: string, port: number): Promise<Server> {
    const server = createServer((req, res) => void this.handle(req, res));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        resolve(server);
        // while the browser starts: what every session opens first (the overview, the first episode's frames) is read
        // now, so the page finds it in the caches; a failure here is the request's to report, not the warm-up's
        // (two steps, so a request that arrives in between is answered first)
        const quietly = (fn: () => void) => () => {
          try {
            fn();
          } catch {
            /* reported when asked for */
          }
        };
        setImmediate(quietly(() => {
          this.ds.overview(this.opts.categoryOf);
          setImmediate(quietly(() => {
            const first = this.ds.episodes({}, 0, 1).rows[0];
            if (first) this.episode(first.episode_index);
          }));
        }));
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw notFound();
      const url = new URL(req.url ?? '/', 'http://viewer');
      const file = STATIC[url.pathname];
      if (file) return send(res, 200, MIME[file.split('.').pop()!], readFileSync(`${STATIC_DIR}${file}`));
      const parts = url.pathname.split('/').slice(1);
      if (parts[0] !== 'api') throw notFound();
      const body = await this.api(parts.slice(1), url.searchParams);
      if (body instanceof Uint8Array) return send(res, 200, imageMime(body), body, 'private, max-age=3600');
      return send(res, 200, 'application/json', body instanceof JsonText ? body.text : JSON.stringify(body));
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      send(res, status, 'application/json', JSON.stringify({ error: (e as Error).message.split('\n')[0] }));
    }
  }

  private episodeRuns(index: number) {
    let hit = this.runs.get(index);
    if (!hit) {
      const rec = this.ds.episodeRecord(index);
      if (!rec) throw notFound();
      hit = { id: rec.episode_id as string, runs: this.ds.frameRuns(rec.episode_id as string, rec.split as string) };
      if (this.runs.size >= 256) this.runs.delete(this.runs.keys().next().value!);
      this.runs.set(index, hit);
    }
    return hit;
  }

  /** An episode's record, layout and frames as JSON text, from a small cache. */
  private episode(index: number): string {
    let hit = this.episodeJson.get(index);
    if (hit === undefined) {
      const rec = this.ds.episodeRecord(index);
      if (!rec) throw notFound();
      hit = JSON.stringify({ episode: rec, layout: this.ds.layout, frames: this.ds.episodeFrames(this.episodeRuns(index).runs) });
      if (this.episodeJson.size >= 4) this.episodeJson.delete(this.episodeJson.keys().next().value!);
    } else {
      this.episodeJson.delete(index);
    }
    this.episodeJson.set(index, hit);
    return hit;
  }

  private split(v: string | null): string {
    if (v === null || !Object.hasOwn(this.ds.manifest.splits, v)) throw new HttpError(400, 'unknown split');
    return v;
  }

  private async api(p: string[], q: URLSearchParams): Promise<unknown> {
    const ds = this.ds;
    switch (p[0]) {
      case 'overview':
        if (p.length !== 1) throw notFound();
        return ds.overview(this.opts.categoryOf);
      case 'episodes': {
        if (p.length !== 1) throw notFound();
        const success = q.get('success');
        return ds.episodes({
          ...(q.get('split') ? { split: q.get('split')! } : {}),
          ...(q.get('task') ? { task: q.get('task')! } : {}),
          ...(success === 'true' || success === 'false' ? { success: success === 'true' } : {}),
          ...(q.get('reason') ? { reason: q.get('reason')! } : {}),
        }, int(q.get('offset') ?? '0', 'offset'), int(q.get('limit') ?? '50', 'limit', 1, 1000));
      }
      case 'episode':
        if (p.length !== 2) throw notFound();
        return new JsonText(this.episode(int(p[1], 'episode')));
      case 'frame': {
        if (p.length !== 5) throw notFound();
        const [index, frame] = [int(p[1], 'episode'), int(p[2], 'frame')];
        const [camera, kind] = [p[3], p[4]];
        const l = ds.layout;
        const column = kind === 'color' && l.cameras.includes(camera) ? `observation.images.${camera}`
          : kind === 'depth' && l.depth.includes(camera) ? `observation.depth.${camera}`
            : kind === 'segmentation' && l.segmentation.includes(camera) ? `observation.segmentation.${camera}` : null;
        if (!column) throw notFound();
        const bytes = ds.frameImage(this.episodeRuns(index).runs, frame, column);
        if (!bytes) throw notFound();
        return kind === 'depth' ? depthPng(bytes) : kind === 'segmentation' ? segmentationPng(bytes) : bytes;
      }
      case 'stage1': {
        if (p.length !== 1) throw notFound();
        const type = q.get('type') || undefined;
        const cursor = { shard: int(q.get('shard') ?? '0', 'shard'), row: int(q.get('row') ?? '0', 'row') };
        return ds.stage1(this.split(q.get('split')), type, cursor, int(q.get('limit') ?? '12', 'limit', 1, 200));
      }
      case 'stage1-image': {
        if (p.length !== 4) throw notFound();
        const bytes = ds.stage1Image(this.split(p[1]), int(p[2], 'shard'), int(p[3], 'row'));
        if (!bytes) throw notFound();
        return bytes;
      }
      case 'stats':
        if (p.length !== 1) throw notFound();
        this.sampleCache ??= ds.sampleRows(2000);
        return { stats: ds.stats(), sample: this.sampleCache };
      default:
        throw notFound();
    }
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, cache = 'no-store'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': cache, 'x-content-type-options': 'nosniff' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
