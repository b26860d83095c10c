// A build's work directory, `<out>/.work/`: episode fragments, shard groups and the marker naming the build, until
// the finished dataset verifies and `.work/` is removed.
import { join } from 'node:path';
import { writeFileAtomic } from '../export/atomic.js';

export function workDirOf(outDir: string): string {
  return join(outDir, '.work');
}

/** Names the build an unfinished directory belongs to, so a rerun resumes it and another build refuses it. */
export async function writeBuildMarker(outDir: string, id: string): Promise<void> {
  await writeFileAtomic(join(workDirOf(outDir), 'build.json'), `${JSON.stringify({ build_id: id })}\n`);
}
