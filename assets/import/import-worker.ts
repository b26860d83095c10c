// Worker thread body for parallel imports: runs importModel for each message, answers with the result.
import { parentPort } from 'node:worker_threads';
import { type ImportOptions, importModel } from './import-model.js';

parentPort?.postMessage('ready');
parentPort?.on('message', (m: { id: number; path: string; opts: ImportOptions }) => {
  void importModel(m.path, m.opts).then((result) => parentPort!.postMessage({ id: m.id, result }));
});
