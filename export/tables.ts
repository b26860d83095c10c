// Rows (schemas/records.ts) ↔ Arrow record batches and IPC stream bytes, for the three kinds of table of a dataset.
import type { EpisodeRecord, Stage1Sample, Stage2Frame } from '../schemas/records.js';
import { stage1FromRecord, stage1Schema, stage1ToRecord } from '../schemas/stage1.js';
import {
  stage2FromRecord,
  stage2LayoutFromSchema,
  stage2LayoutOf,
  stage2SchemaFor,
  stage2ToRecord,
  type Stage2Layout,
} from '../schemas/stage2.js';
import { episodeFromRecord, episodesSchema, episodeToRecord } from '../schemas/episodes.js';
import { ipcToRecords, recordsToIpc } from './arrow-codec.js';

/** Rows per record batch inside a stream: small enough that 32-bit binary offsets never overflow with big images. */
export const BATCH_ROWS = 256;

export function stage1ToIpc(rows: readonly Stage1Sample[]): Uint8Array {
  return recordsToIpc(stage1Schema(), rows.map(stage1ToRecord), BATCH_ROWS);
}

export function stage1FromIpc(bytes: Uint8Array): Stage1Sample[] {
  return ipcToRecords(bytes).records.map(stage1FromRecord);
}

function layoutFor(frames: readonly Stage2Frame[], layout?: Stage2Layout): Stage2Layout {
  const l = layout ?? stage2LayoutOf(frames);
  if (!l) throw new Error('stage-2 table with no frames needs an explicit layout (camera names)');
  return l;
}

export function stage2ToIpc(frames: readonly Stage2Frame[], layout?: Stage2Layout): Uint8Array {
  const l = layoutFor(frames, layout);
  return recordsToIpc(stage2SchemaFor(l), frames.map((f) => stage2ToRecord(f, l)), BATCH_ROWS);
}

export function stage2FromIpc(bytes: Uint8Array): { layout: Stage2Layout; frames: Stage2Frame[] } {
  const { schema, records } = ipcToRecords(bytes);
  const layout = stage2LayoutFromSchema(schema);
  return { layout, frames: records.map((r) => stage2FromRecord(r, layout)) };
}

export function episodesToIpc(rows: readonly EpisodeRecord[]): Uint8Array {
  return recordsToIpc(episodesSchema(), rows.map(episodeToRecord), BATCH_ROWS);
}

export function episodesFromIpc(bytes: Uint8Array): EpisodeRecord[] {
  return ipcToRecords(bytes).records.map(episodeFromRecord);
}
