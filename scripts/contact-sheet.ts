// A contact sheet of a dataset's frames: for each of the first EPISODES episodes, the frame at a third and at two
// thirds of the episode from every camera, side by side, each tile captioned with episode, frame and camera. What
// the README shows (docs/demo.png):
//   node --import tsx scripts/contact-sheet.ts out/demo docs/demo.png [EPISODES] [TILE]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { tableFromIPC } from 'apache-arrow';

const [dir, out, episodesArg, tileArg] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: contact-sheet.ts DATASET_DIR OUT.png [EPISODES] [TILE]');
const EPISODES = Number(episodesArg ?? 4);
const TILE = Number(tileArg ?? 192);

const rows: Record<string, any>[] = [];
for (const f of readdirSync(join(dir, 'stage2')).filter((f) => f.endsWith('.arrow')).sort()) {
  const t = tableFromIPC(readFileSync(join(dir, 'stage2', f)));
  for (const r of t) rows.push(r.toJSON());
}
const cams = Object.keys(rows[0] ?? {}).filter((k) => k.startsWith('observation.images.')).map((k) => k.slice('observation.images.'.length));
const byEpisode = new Map<string, Record<string, any>[]>();
for (const r of rows) byEpisode.set(r.episode_id, [...(byEpisode.get(r.episode_id) ?? []), r]);
const picked = [...byEpisode.values()].slice(0, EPISODES).flatMap((ep) => [ep[Math.floor(ep.length / 3)], ep[Math.floor((2 * ep.length) / 3)]]);

const caption = (text: string) => Buffer.from(`<svg width="${TILE}" height="16"><rect width="100%" height="100%" fill="black" fill-opacity="0.55"/><text x="4" y="12" font-family="sans-serif" font-size="11" fill="white">${text}</text></svg>`);
const tiles: sharp.OverlayOptions[] = [];
for (const [i, r] of picked.entries()) {
  for (const [c, cam] of cams.entries()) {
    const img = await sharp(Buffer.from(r[`observation.images.${cam}`].bytes)).resize(TILE, TILE, { fit: 'cover' }).composite([{ input: caption(`${r.episode_id.slice(-4)} f${r.frame_index} ${cam}`), top: TILE - 16, left: 0 }]).png().toBuffer();
    tiles.push({ input: img, left: (i % 2) * cams.length * TILE + c * TILE, top: Math.floor(i / 2) * TILE });
  }
}
const width = 2 * cams.length * TILE, height = Math.ceil(picked.length / 2) * TILE;
await sharp({ create: { width, height, channels: 3, background: '#000' } }).composite(tiles).png().toFile(out);
console.log(`${out}: ${picked.length} frames × ${cams.length} cameras (${cams.join(', ')})`);
