// Colour frames → an h264 mp4 by ffmpeg (libx264, as Debian's ffmpeg has it; yuv420p, the dataset's fps). The stored
// JPEG / PNG bytes are piped in as they are (image2pipe), so nothing is decoded in this process. GOP 2, as LeRobot
// encodes, because training reads frames at random times and a short GOP keeps each seek cheap. Frame i is shown
// at i / fps on the file's clock, which is what LeRobot's timestamps (and from/to timestamps in v3.0) count on.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExportError } from './errors.js';

type Codec = 'mjpeg' | 'png';

function codecOf(b: Uint8Array): Codec | null {
  if (b[0] === 0xff && b[1] === 0xd8) return 'mjpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  return null;
}

/** Whether an image ends as its format says (JPEG: the EOI marker; PNG: the IEND chunk): a cut-off frame is named
 * here, before ffmpeg fails on the whole file without saying which frame. */
function complete(b: Uint8Array, codec: Codec): boolean {
  const n = b.length;
  if (codec === 'mjpeg') return n >= 4 && b[n - 2] === 0xff && b[n - 1] === 0xd9;
  return n >= 12 && b[n - 8] === 0x49 && b[n - 7] === 0x45 && b[n - 6] === 0x4e && b[n - 5] === 0x44;
}

export class VideoWriter {
  private proc: ChildProcess | null = null;
  private codec: Codec | null = null;
  private stderr = '';
  private exited: Promise<number> | null = null;
  /** frames written so far */
  frames = 0;

  constructor(readonly path: string, readonly fps: number, readonly what: string) {}

  private start(codec: Codec): void {
    mkdirSync(dirname(this.path), { recursive: true });
    this.codec = codec;
    const p = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'image2pipe', '-framerate', String(this.fps), '-c:v', codec, '-i', 'pipe:0',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-g', '2', '-pix_fmt', 'yuv420p', '-map_metadata', '-1', '-movflags', '+faststart', this.path],
    { stdio: ['pipe', 'ignore', 'pipe'] });
    p.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    // a broken pipe is reported through the exit status and stderr below
    p.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolve, reject) => {
      p.on('error', (e) => reject(new ExportError(this.path, `cannot run ffmpeg (${e.message}); install ffmpeg`)));
      p.on('close', (code) => resolve(code ?? 1));
    });
    this.proc = p;
  }

  /** Appends a frame; `where` names its place (the shard, the episode) in messages. */
  async write(image: Uint8Array | null, where: string): Promise<void> {
    const codec = image && image.length ? codecOf(image) : null;
    if (!codec) throw new ExportError(where, `${this.what}: frame ${this.frames} has no JPEG or PNG image`);
    if (!complete(image!, codec)) throw new ExportError(where, `${this.what}: frame ${this.frames} is a cut-off ${codec === 'mjpeg' ? 'JPEG' : 'PNG'} image`);
    if (!this.proc) this.start(codec);
    else if (codec !== this.codec) throw new ExportError(where, `${this.what}: frame ${this.frames} is ${codec}, earlier frames ${this.codec}`);
    this.frames++;
    if (!this.proc!.stdin!.write(image)) await Promise.race([once(this.proc!.stdin!, 'drain'), this.exited]);
  }

  /** Finishes the file; rejects with ffmpeg's own last line when it failed. */
  async close(): Promise<void> {
    if (!this.proc) throw new ExportError(this.path, `${this.what}: no frames to encode`);
    this.proc.stdin!.end();
    const code = await this.exited!;
    if (code !== 0) {
      const last = this.stderr.trim().split('\n').pop() ?? `exit status ${code}`;
      throw new ExportError(this.path, `ffmpeg could not encode ${this.what}: ${last}`);
    }
  }

  /** Stops ffmpeg without finishing (the export failed elsewhere). */
  kill(): void {
    if (this.proc && this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}
