// LeRobot's on-disk layouts, the one place that knows them: the path templates of v2.1 and v3.0, the chunking rule
// and the Python-style `{name:03d}` formatting LeRobot's info.json uses. Both the readers (`convert`) and the
// exporter (`export lerobot`) go through here, so a file the exporter writes is where the reader looks for it.

/** Episodes (v2.1) or files (v3.0) per chunk folder; LeRobot's default, written to info.json as `chunks_size`. */
export const CHUNKS_SIZE = 1000;

export const V21 = {
  version: 'v2.1',
  data_path: 'data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet',
  video_path: 'videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4',
} as const;

export const V30 = {
  version: 'v3.0',
  data_path: 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet',
  video_path: 'videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4',
  episodes_path: 'meta/episodes/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet',
} as const;

export type LerobotVersion = typeof V21.version | typeof V30.version;
export const LEROBOT_VERSIONS: readonly LerobotVersion[] = [V21.version, V30.version];

/** `data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet` with the given values. */
export function pyFormat(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)(?::0?(\d+)d)?\}/g, (m, name: string, width?: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`path template ${template} names {${name}}, which is not known`);
    return width ? String(v).padStart(Number(width), '0') : String(v);
  });
}

/** v2.1: the file paths of one episode (chunk = episode_index // chunks_size). */
export function v21Paths(episodeIndex: number, chunksSize = CHUNKS_SIZE): { data: string; video: (key: string) => string } {
  const v = { episode_chunk: Math.floor(episodeIndex / chunksSize), episode_index: episodeIndex };
  return { data: pyFormat(V21.data_path, v), video: (key) => pyFormat(V21.video_path, { ...v, video_key: key }) };
}

/** v3.0: the n-th file of a kind sits in chunk n // chunks_size as file n % chunks_size. */
export function v30Position(n: number, chunksSize = CHUNKS_SIZE): { chunk_index: number; file_index: number } {
  return { chunk_index: Math.floor(n / chunksSize), file_index: n % chunksSize };
}
