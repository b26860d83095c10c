// A local episode worker process of the embedded runner: receives {config, workDir, index}, answers with the
// committed fragment's info or the error text.
import '../core/orphan-guard.js';
import type { BuildConfig } from '../schemas/config.js';
import { processEpisode } from './episode-job.js';

process.on('message', (m: { config: BuildConfig; workDir: string; index: number }) => {
  processEpisode(m.config, m.index, m.workDir).then(
    (info) => process.send?.({ index: m.index, info }),
    (e: Error) => process.send?.({ index: m.index, error: e.message }),
  );
});
