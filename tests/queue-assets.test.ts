// `assets import --redis` (issue 3): one `import-model` job per model file on the queues of builds, then one index
// update with every result in model order. A bad model is one line and is skipped; the library written is the
// embedded import's, file for file; a worker killed in the middle of an import loses no model. Real Redis on
// 127.0.0.1, the real CLI as separate processes, models copied into a temp folder (never into the repository).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempDir } from './helpers/build-fixture.js';
import { fixture } from './helpers/fixtures.js';
import {
  REDIS_6379, childPids, cleanUp, fileHashes, jobsRunBy, runCli, startCli, startWorker, testPrefix, waitFor,
} from './helpers/queue-fixture.js';

const OBJECTS = fixture('objects');
const root = tempDir('queue-assets');
const models = join(root, 'models');

before(() => {
  mkdirSync(models, { recursive: true });
  cpSync(join(OBJECTS, 'bullet3_banana'), join(models, 'bullet3_banana'), { recursive: true });
  cpSync(join(OBJECTS, 'ycb_005_tomato_soup_can'), join(models, 'ycb_005_tomato_soup_can'), { recursive: true });
  writeFileSync(join(models, 'empty_cup.obj'), 'o nothing\nv 0 0 0\n');
});

after(async () => {
  await cleanUp();
  rmSync(root, { recursive: true, force: true });
});


const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error '));
const EMPTY_LINE = /^error \/.+\/empty_cup\.obj: empty-mesh: no triangles$/;

function assertImported(stdout: string, library: string): void {
  assert.match(stdout, /^imported imp-banana \(banana, yellow\) from \/.+\/banana\.obj$/m);
  assert.match(stdout, /^imported imp-tomato-soup-can \(can, [a-z ]+\) from \/.+\/005_tomato_soup_can_textured\.obj$/m);
  assert.match(stdout, /^2 imported, 1 failed; library index .+\/index\.json.*\(queued\)$/m);
  const index = JSON.parse(readFileSync(join(library, 'index.json'), 'utf8')) as { assets: { id: string }[] };
  assert.deepEqual(index.assets.map((a) => a.id).filter((id) => id.startsWith('imp-')).sort(), ['imp-banana', 'imp-tomato-soup-can']);
  assert.deepEqual(readdirSync(library).filter((n) => n.startsWith('.queued-import-')), [], 'staging folder removed');
}

describe('queued asset import', { timeout: 600_000 }, () => {
  test('2 good models and 1 bad: the good ones imported, as embedded, file for file; the bad one is one line; exit 1', async () => {
    const prefix = testPrefix('imp');
    const embedded = await runCli(['assets', 'import', models, '--library', join(root, 'lib-embedded'), '--no-workers']);
    assert.equal(embedded.status, 1, embedded.stderr);
    const queued = await runCli(['assets', 'import', models, '--library', join(root, 'lib-queued'), '--redis', REDIS_6379, '--prefix', prefix, '--workers', '2', '--no-progress']);
    assert.equal(queued.status, 1, queued.stderr);
    assert.deepEqual(errorLines(queued.stderr).length, 1, queued.stderr);
    assert.match(errorLines(queued.stderr)[0], EMPTY_LINE);
    assert.deepEqual(errorLines(queued.stderr), errorLines(embedded.stderr));
    assertImported(queued.stdout, join(root, 'lib-queued'));
    const q = fileHashes(join(root, 'lib-queued'));
    assert.ok(Object.keys(q).some((p) => p.endsWith('thumb.png')), 'thumbnails rendered');
    assert.deepEqual(q, fileHashes(join(root, 'lib-embedded')));
  });

  test('a worker killed in the middle of an import loses no model: another takes its job over', async () => {
    const prefix = testPrefix('imp-kill');
    const library = join(root, 'lib-kill');
    const first = await startWorker(REDIS_6379, prefix, ['--concurrency', '1']);
    const cmd = startCli(['assets', 'import', models, '--library', library, '--redis', REDIS_6379, '--prefix', prefix, '--workers', '0', '--no-thumbnails', '--no-progress']);
    const victim = await waitFor('the first worker to run a model job', async () => {
      const jobs = await jobsRunBy(REDIS_6379, prefix, first.child.pid!);
      return jobs.length > 0 ? jobs : null;
    }, 60_000, 50);
    for (const pid of childPids(first.child.pid!)) process.kill(pid, 'SIGKILL');
    first.child.kill('SIGKILL');
    await first.exited;
    await startWorker(REDIS_6379, prefix, ['--concurrency', '2']);
    const r = await cmd.exited;
    assert.equal(r.status, 1, r.stderr);
    assert.equal(errorLines(r.stderr).length, 1, r.stderr);
    assert.match(errorLines(r.stderr)[0], EMPTY_LINE);
    assertImported(r.stdout, library);
    assert.match(victim[0], /^[0-9a-f]{16}\.r1\.e\d$/);
  });
});
