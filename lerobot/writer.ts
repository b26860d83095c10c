// What the two layout writers share: the context they write into and the part of info.json that differs by version.
export interface WriterContext {
  /** the temporary export root */
  root: string;
  /** the spatialgen dataset, for messages */
  source: string;
  fps: number;
  cameras: readonly string[];
  /** task strings by task_index, grown as episodes arrive */
  tasks: string[];
}

export interface LayoutInfo {
  version: string;
  /** totals only this version has (v2.1: total_videos, total_chunks) */
  counts: Record<string, number>;
  /** file size targets (v3.0) */
  sizes: Record<string, number>;
  paths: { data_path: string; video_path: string };
}

export interface LayoutWriter {
  add(ep: import('./episode.js').PreparedEpisode): Promise<void>;
  /** writes the version's own metadata files */
  finish(): Promise<LayoutInfo>;
  /** stops any running encoder */
  abort(): void;
}

/** JSON Lines text of already-serialised lines. */
export const jsonl = (lines: readonly string[]) => (lines.length ? `${lines.join('\n')}\n` : '');
