// A sheet of stage-1 questions with their answers drawn on the image: boxes in green, points as red rings, the
// question under each tile. One tile per type in TYPES, each from a different frame of a world camera, preferring
// questions whose expressions need size, position or relation words. What the README shows (docs/language.png):
//   node --import tsx scripts/language-sheet.ts out/demo docs/language.png
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { tableFromIPC } from 'apache-arrow';

const [dir, out] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: language-sheet.ts DATASET_DIR OUT.png');
const TYPES = ['box', 'relation', 'ref_box', 'free_point', 'point', 'relation', 'ref_point', 'free_point'];
const CAPTION = 60;
const COLS = 4;

const rows: Record<string, any>[] = [];
for (const f of readdirSync(join(dir, 'stage1')).filter((f) => f.endsWith('.arrow')).sort()) {
  for (const r of tableFromIPC(readFileSync(join(dir, 'stage1', f)))) rows.push(r.toJSON());
}
const needsWords = (r: Record<string, any>) => [...r.referring].some((e) => e.size || e.position || e.relation);
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

const used = new Set<string>();
const tiles: Buffer[] = [];
for (const type of TYPES) {
  const pool = rows.filter((r) => r.task_type === type && r.camera !== 'wrist' && !used.has(`${r.episode_id}/${r.frame_index}`));
  const r = pool.find((x) => (type === 'box' || type === 'point' ? needsWords(x) : true)) ?? pool[0];
  if (!r) continue;
  used.add(`${r.episode_id}/${r.frame_index}`);
  const W = Number(r.width), H = Number(r.height);
  const question = String([...r.conversations][0].value).replace('<image>\n', '').replace(/,? in (pixel coordinates|coordinates normalized)[^.?]*\./, '.');
  const marks = [
    ...[...r.boxes].map((b) => { const [x1, y1, x2, y2] = Array.from(b.bbox_2d as Float32Array); return `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="lime" stroke-width="2"/>`; }),
    ...[...r.points].map((p) => { const [x, y] = Array.from(p.point_2d as Float32Array); return `<circle cx="${x}" cy="${y}" r="6" fill="none" stroke="red" stroke-width="2"/><circle cx="${x}" cy="${y}" r="1" fill="red"/>`; }),
  ];
  const lines = (question.match(/.{1,40}(\s|$)/g) ?? []).map((l, i) => `<text x="4" y="${H + 14 + i * 14}" font-size="12" font-family="sans-serif">${xml(l)}</text>`);
  const svg = `<svg width="${W}" height="${H + CAPTION}" xmlns="http://www.w3.org/2000/svg">${marks.join('')}${lines.join('')}</svg>`;
  tiles.push(await sharp({ create: { width: W, height: H + CAPTION, channels: 3, background: 'white' } })
    .composite([{ input: Buffer.from(r.image.bytes as Uint8Array), top: 0, left: 0 }, { input: Buffer.from(svg), top: 0, left: 0 }]).png().toBuffer());
}
if (tiles.length === 0) throw new Error(`${dir}: no stage-1 samples of the types ${TYPES.join(', ')}`);
const { width: w, height: h } = await sharp(tiles[0]).metadata();
await sharp({ create: { width: COLS * w!, height: Math.ceil(tiles.length / COLS) * h!, channels: 3, background: 'white' } })
  .composite(tiles.map((t, i) => ({ input: t, left: (i % COLS) * w!, top: Math.floor(i / COLS) * h! }))).png().toFile(out);
process.stdout.write(`wrote ${out}: ${tiles.length} questions\n`);
