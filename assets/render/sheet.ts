// A contact sheet: thumbnails in a grid, each labelled with its id, category and colour (bitmap font, font.ts).
import sharp from 'sharp';
import { GLYPH_H, drawText } from './font.js';
import { THUMB_SIZE } from './thumbnail.js';

export interface SheetCell {
  rgba: Uint8Array;
  /** label lines, e.g. ["mug-03", "red mug"] */
  lines: string[];
}

export async function contactSheet(cells: SheetCell[], columns = 10): Promise<Buffer> {
  const pad = 4;
  const labelH = 2 * (GLYPH_H + 1) + 2;
  const cw = THUMB_SIZE + pad;
  const ch = THUMB_SIZE + labelH + pad;
  const cols = Math.max(1, Math.min(columns, cells.length));
  const rows = Math.max(1, Math.ceil(cells.length / cols));
  const W = cols * cw + pad;
  const H = rows * ch + pad;
  const img = new Uint8Array(W * H * 4).fill(255);
  cells.forEach((c, i) => {
    const x0 = pad + (i % cols) * cw;
    const y0 = pad + Math.floor(i / cols) * ch;
    for (let y = 0; y < THUMB_SIZE; y++) img.set(c.rgba.subarray(y * THUMB_SIZE * 4, (y + 1) * THUMB_SIZE * 4), ((y0 + y) * W + x0) * 4);
    c.lines.slice(0, 2).forEach((line, k) => drawText(img, W, H, x0 + 1, y0 + THUMB_SIZE + 2 + k * (GLYPH_H + 1), line, k === 0 ? [90, 90, 90] : [20, 20, 20], THUMB_SIZE));
  });
  return sharp(Buffer.from(img.buffer), { raw: { width: W, height: H, channels: 4 } }).png().toBuffer();
}
