// Training jobs on the queues (issue 16): real Redis, the real CLI as separate processes (workers, `train`, `build
// --train-cmd`, `status`, `cancel`), and real commands (small shell scripts) standing in for a trainer. GPU ids are
// only what the worker hands out as CUDA_VISIBLE_DEVICES, so scheduling is tested without a GPU.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tempDir } from './helpers/build-fixture.js';
import { REDIS_6379, cleanUp, runCli, startWorker, testPrefix, waitFor, type Proc } from './helpers/queue-fixture.js';
import { QueueClient } from '../workers/build-flow.js';
import { queueTarget } from '../workers/queue-connection.js';
import { requireTrain, trainStatus as readStatus } from '../workers/train-queue.js';

const root = tempDir('queue-train');
after(cleanUp);

interface TrainStatus {
  train_id: string;
  state: string;
  gpus: number;
  gpus_held: string[];
  host: string | null;
  attempt: number | null;
  exit_code: number | null;
  last_line: string | null;
  error: string | null;
  run_dir: string;
}

/** `spatialgen status ID --json`, the CLI a user runs. */
async function statusCli(prefix: string, id: string): Promise<TrainStatus> {
  const r = await runCli(['status', id, '--redis', REDIS_6379, '--prefix', prefix, '--json'], {}, 60_000);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as TrainStatus[])[0];
}

/** The same status read in this process (what `status` prints), for polling without a CLI start per poll. */
const clients = new Map<string, QueueClient>();
async function trainStatus(prefix: string, id: string): Promise<TrainStatus> {
  let q = clients.get(prefix);
  if (!q) clients.set(prefix, (q = new QueueClient(queueTarget(REDIS_6379, prefix)!)));
  return (await readStatus(q, await requireTrain(q, id))) as TrainStatus;
}
after(async () => {
  for (const q of clients.values()) await q.close();
});

async function submit(prefix: string, dataset: string, cmd: string, extra: string[] = []): Promise<string> {
  const r = await runCli(['train', dataset, '--redis', REDIS_6379, '--prefix', prefix, '--cmd', cmd, '--detach', ...extra], {}, 60_000);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

// holds its GPUs until `release` appears in its run folder; says what it got in `started.<pid>`
const HOLD = join(root, 'hold.sh');
writeFileSync(HOLD, [
  'echo "$CUDA_VISIBLE_DEVICES $$ $SPATIALGEN_DATASET" > "$SPATIALGEN_RUN_DIR/started.$$"',
  'echo "holding GPUs [$CUDA_VISIBLE_DEVICES]"',
  'while [ ! -e "$SPATIALGEN_RUN_DIR/release" ]; do sleep 0.1; done',
  'echo released',
].join('\n'));
// a trainer that checkpoints on SIGTERM, and one that ignores it
const POLITE = join(root, 'polite.sh');
writeFileSync(POLITE, 'trap \'echo "got TERM, checkpointing"; exit 143\' TERM\necho $$ > "$SPATIALGEN_RUN_DIR/pid"\necho running\nwhile true; do sleep 0.1; done\n');
const STUBBORN = join(root, 'stubborn.sh');
writeFileSync(STUBBORN, 'trap "" TERM\necho $$ > "$SPATIALGEN_RUN_DIR/pid"\necho running\nwhile true; do sleep 0.1; done\n');

const started = (runDir: string) => (existsSync(runDir) ? readdirSync(runDir).filter((f) => f.startsWith('started.')).map((f) => readFileSync(join(runDir, f), 'utf8').trim().split(' ')) : []);
const pidOf = (runDir: string) => (existsSync(join(runDir, 'pid')) ? Number(readFileSync(join(runDir, 'pid'), 'utf8')) : 0);

const dataset = join(root, 'ds');

describe('training jobs on the queues', { timeout: 900_000 }, () => {
  test('build --train-cmd starts the training only once the dataset is complete and verified; the job sees the dataset, its GPUs and its run folder', async () => {
    const prefix = testPrefix('train-build');
    const gpu = await startWorker(REDIS_6379, prefix, ['--queues', 'train', '--gpus', '0,1']);
    // the training script checks what it was promised: a finished dataset (manifest written, work folder removed)
    const check = join(root, 'check.sh');
    writeFileSync(check, [
      'set -e',
      'test -f "$1/manifest.json"',
      'test ! -e "$1/.work"',
      'echo "dataset $1 ok, GPUs [$CUDA_VISIBLE_DEVICES] of $SPATIALGEN_GPUS, run folder $(pwd)"',
      'date +%s%3N > "$2/started_ms"',
    ].join('\n'));
    const b = await runCli(['build', '--preset', 'smoke', '--episodes', '2', '--out', dataset, '--redis', REDIS_6379, '--prefix', prefix, '--workers', '1', '--no-progress',
      '--train-gpus', '1', '--train-name', 'smoke_policy', '--train-cmd', `sh ${check} {dataset} {run_dir}`]);
    assert.equal(b.status, 0, b.stderr);
    const id = /training (smoke_policy-[0-9a-f]{6}) starts when the build completes/.exec(b.stderr)?.[1];
    assert.ok(id, b.stderr);
    await waitFor('training to finish', async () => ['done', 'failed'].includes((await trainStatus(prefix, id)).state), 60_000, 300);
    const s = await statusCli(prefix, id);
    assert.equal(s.state, 'done', JSON.stringify(s));
    assert.deepEqual(s.gpus_held, ['0']);
    assert.equal(s.exit_code, 0);
    assert.equal(s.run_dir, join(root, 'runs', id));
    assert.match(s.last_line ?? '', /^== spatialgen: exit code 0$/);
    const log = readFileSync(join(s.run_dir, 'train.log'), 'utf8');
    assert.match(log, new RegExp(`dataset ${dataset} ok, GPUs \\[0\\] of 1, run folder ${s.run_dir}`));
    // later than the manifest: finalize and the build's verification came first
    const trainedAt = Number(readFileSync(join(s.run_dir, 'started_ms'), 'utf8'));
    assert.ok(trainedAt >= statSync(join(dataset, 'manifest.json')).mtimeMs, 'training started after the manifest was written');
    const st = await runCli(['status', '--redis', REDIS_6379, '--prefix', prefix]);
    assert.match(st.stdout, new RegExp(`${id}\\s+done\\s+\\S+ GPUs \\[0\\]`));
    gpu.child.kill('SIGTERM');
    assert.equal((await gpu.exited).status, 0);
  });

  test('train follows the log and exits with the command\'s exit code; a failed job says so in status', async () => {
    const prefix = testPrefix('train-run');
    const w = await startWorker(REDIS_6379, prefix, ['--queues', 'train', '--gpus', '3,5']);
    const ok = await runCli(['train', dataset, '--redis', REDIS_6379, '--prefix', prefix, '--gpus', '2',
      '--cmd', 'echo "on {dataset} with $CUDA_VISIBLE_DEVICES"; for i in 1 2 3; do echo "step $i loss 0.$i"; done']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`on ${dataset} with 3,5\\nstep 1 loss 0.1\\nstep 2 loss 0.2\\nstep 3 loss 0.3\\n`));
    assert.match(ok.stderr, /training train-[0-9a-f]{6} done in \d+ s/);

    const bad = await runCli(['train', dataset, '--redis', REDIS_6379, '--prefix', prefix, '--gpus', '0', '--name', 'broken',
      '--cmd', 'echo "CUDA_VISIBLE_DEVICES=[$CUDA_VISIBLE_DEVICES]"; echo "Traceback: no such module" >&2; exit 3']);
    assert.equal(bad.status, 3, bad.stderr);
    assert.match(bad.stdout, /CUDA_VISIBLE_DEVICES=\[\]\nTraceback: no such module\n/);
    const id = /training (broken-[0-9a-f]{6}) failed/.exec(bad.stderr)?.[1];
    assert.ok(id, bad.stderr);
    const s = await statusCli(prefix, id);
    assert.equal(s.state, 'failed');
    assert.equal(s.exit_code, 3);
    assert.equal(s.error, 'exit code 3');
    const detail = await runCli(['status', id, '--redis', REDIS_6379, '--prefix', prefix]);
    assert.match(detail.stdout, /Traceback: no such module/);

    const notDataset = await runCli(['train', root, '--redis', REDIS_6379, '--prefix', prefix, '--cmd', 'true']);
    assert.equal(notDataset.status, 1);
    assert.equal(notDataset.stderr.trim(), `spatialgen: ${root} is not a dataset (no spatialgen manifest.json, LeRobot meta/info.json or VLM meta.json)`);
    w.child.kill('SIGTERM');
    await w.exited;
  });

  test('a job asking for k GPUs runs only where k are free: 8 GPUs run four 2-GPU jobs at once, a 3-GPU job skips a 2-GPU worker', async () => {
    const prefix = testPrefix('train-gpus');
    const eight = await startWorker(REDIS_6379, prefix, ['--queues', 'train', '--gpus', '0,1,2,3,4,5,6,7']);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await submit(prefix, dataset, `sh ${HOLD}`, ['--gpus', '2', '--name', `pair${i}`]));
    const runDir = (id: string) => join(root, 'runs', id);
    await waitFor('four jobs running', () => ids.filter((id) => started(runDir(id)).length > 0).length === 4, 60_000);
    await new Promise((r) => setTimeout(r, 2500));
    const running = ids.filter((id) => started(runDir(id)).length > 0);
    assert.equal(running.length, 4, 'a fifth 2-GPU job does not start on 8 GPUs');
    const held = running.map((id) => started(runDir(id))[0][0]);
    assert.deepEqual(held.flatMap((g) => g.split(',')).sort(), ['0', '1', '2', '3', '4', '5', '6', '7'], `disjoint pairs: ${held.join(' ')}`);
    const waiting = ids.find((id) => !running.includes(id))!;
    assert.equal((await trainStatus(prefix, waiting)).state, 'queued');

    // one pair released: the waiting pair takes exactly its GPUs
    const first = running[0];
    writeFileSync(join(runDir(first), 'release'), '');
    await waitFor('the fifth job running', () => started(runDir(waiting)).length > 0, 30_000);
    assert.equal(started(runDir(waiting))[0][0], held[0]);
    for (const id of ids) writeFileSync(join(runDir(id), 'release'), '');
    for (const id of ids) await waitFor(`${id} done`, async () => (await trainStatus(prefix, id)).state === 'done', 30_000, 300);
    eight.child.kill('SIGTERM');
    await eight.exited;

    // a 2-GPU worker takes a 1-GPU job, never a 3-GPU one; that waits for a worker with 3 free
    const two = await startWorker(REDIS_6379, prefix, ['--queues', 'train', '--gpus', '8,9']);
    const big = await submit(prefix, dataset, `sh ${HOLD}`, ['--gpus', '3', '--name', 'big']);
    const small = await submit(prefix, dataset, `sh ${HOLD}`, ['--gpus', '1', '--name', 'small']);
    await waitFor('the 1-GPU job on the 2-GPU worker', () => started(runDir(small)).length > 0, 30_000);
    assert.equal(started(runDir(small))[0][0], '8');
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(started(runDir(big)).length, 0, 'the 3-GPU job waits');
    assert.equal((await trainStatus(prefix, big)).state, 'queued');
    const four = await startWorker(REDIS_6379, prefix, ['--queues', 'train', '--gpus', '4,5,6,7']);
    await waitFor('the 3-GPU job running', () => started(runDir(big)).length > 0, 30_000);
    assert.equal(started(runDir(big))[0][0], '4,5,6');
    for (const id of [small, big]) writeFileSync(join(runDir(id), 'release'), '');
    for (const id of [small, big]) await waitFor(`${id} done`, async () => (await trainStatus(prefix, id)).state === 'done', 30_000, 300);
    for (const w of [two, four]) w.child.kill('SIGTERM');
    await Promise.all([two.exited, four.exited]);
  });

  test('cancel: SIGTERM to the command\'s process group, SIGKILL after the grace period; a queued job is removed', async () => {
    const prefix = testPrefix('train-cancel');
    const w = await startWorker(REDIS_6379, prefix, ['--queues', 'train', '--gpus', '0', '--term-grace', '2']);
    const cancelled = async (id: string) => {
      const r = await runCli(['cancel', id, '--redis', REDIS_6379, '--prefix', prefix]);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const polite = await submit(prefix, dataset, `sh ${POLITE}`, ['--name', 'polite']);
    const politeDir = join(root, 'runs', polite);
    const pid = await waitFor('the polite trainer running', () => pidOf(politeDir), 30_000);
    assert.match(await cancelled(polite), /cancelling training polite-/);
    await waitFor('the polite job cancelled', async () => (await trainStatus(prefix, polite)).state === 'cancelled', 30_000, 300);
    assert.ok(!alive(pid), 'the trainer is gone');
    assert.match(readFileSync(join(politeDir, 'train.log'), 'utf8'), /got TERM, checkpointing\n== spatialgen: cancelled\n/);

    const stubborn = await submit(prefix, dataset, `sh ${STUBBORN}`, ['--name', 'stubborn']);
    const stubbornDir = join(root, 'runs', stubborn);
    const spid = await waitFor('the stubborn trainer running', () => pidOf(stubbornDir), 30_000);
    const t0 = Date.now();
    await cancelled(stubborn);
    await waitFor('the stubborn trainer killed', () => !alive(spid), 30_000, 100);
    const took = Date.now() - t0;
    assert.ok(took >= 1500, `SIGKILL came after the 2 s grace period, not after ${took} ms`);
    await waitFor('the stubborn job cancelled', async () => (await trainStatus(prefix, stubborn)).state === 'cancelled', 30_000, 300);

    // a job no worker can take (4 GPUs): removed from the queue, never run
    const queued = await submit(prefix, dataset, 'echo never', ['--gpus', '4', '--name', 'queued']);
    assert.match(await cancelled(queued), /removed from the queue before it ran/);
    assert.equal((await trainStatus(prefix, queued)).state, 'cancelled');
    const again = await runCli(['cancel', polite, '--redis', REDIS_6379, '--prefix', prefix]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /has already failed; nothing to cancel|already/);
    w.child.kill('SIGTERM');
    await w.exited;
  });

  test('a worker killed mid-job: its command dies with it, and the job fails, or runs again elsewhere when it has retries', async () => {
    const prefix = testPrefix('train-kill');
    let a: Proc = await startWorker(REDIS_6379, prefix, ['--queues', 'train', '--gpus', '0']);
    const once = await submit(prefix, dataset, `sh ${HOLD}`, ['--name', 'once']);
    const onceDir = join(root, 'runs', once);
    await waitFor('the job running', () => started(onceDir).length > 0, 30_000);
    const pid = Number(started(onceDir)[0][1]);
    a.child.kill('SIGKILL');
    await a.exited;
    await waitFor('the orphaned command ended', () => !alive(pid), 30_000, 100);

    // another worker notices the lost lock (3 s) and fails the job: it has no retries
    const b = await startWorker(REDIS_6379, prefix, ['--queues', 'train', '--gpus', '1']);
    const s = await waitFor('the job failed', async () => {
      const t = await trainStatus(prefix, once);
      return t.state === 'failed' ? t : null;
    }, 60_000, 500);
    assert.match(s.error ?? '', /its worker \S+ (\(pid \d+\) )?was lost while it ran/);
    assert.equal(started(onceDir).length, 1, 'never run twice');

    // with --retries 1 the second attempt runs on the other worker and completes
    b.child.kill('SIGTERM');
    await b.exited;
    a = await startWorker(REDIS_6379, prefix, ['--queues', 'train', '--gpus', '0']);
    const twice = await submit(prefix, dataset, `sh ${HOLD}`, ['--name', 'twice', '--retries', '1']);
    const twiceDir = join(root, 'runs', twice);
    await waitFor('the job running', () => started(twiceDir).length > 0, 30_000);
    a.child.kill('SIGKILL');
    await a.exited;
    const c = await startWorker(REDIS_6379, prefix, ['--queues', 'train', '--gpus', '7']);
    await waitFor('the second attempt running', () => started(twiceDir).length === 2, 60_000);
    assert.deepEqual(started(twiceDir).map((x) => x[0]).sort(), ['0', '7']);
    writeFileSync(join(twiceDir, 'release'), '');
    const done = await waitFor('the job done', async () => {
      const t = await trainStatus(prefix, twice);
      return t.state === 'done' ? t : null;
    }, 30_000, 300);
    assert.equal(done.attempt, 2);
    assert.match(readFileSync(join(twiceDir, 'train.log'), 'utf8'), /attempt 2 of 2 on \S+, GPUs \[7\]/);
    c.child.kill('SIGTERM');
    await c.exited;
  });
});

test('training options that cannot be right are one line, and nothing is enqueued', async () => {
  const bad = await runCli(['worker', '--redis', REDIS_6379, '--gpus', '0,0', '--queues', 'train']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr.trim(), /^spatialgen: option '--gpus <list>' argument '0,0' is invalid\. --gpus names a GPU twice/);
  const noTrain = await runCli(['worker', '--redis', REDIS_6379, '--gpus', '0']);
  assert.match(noTrain.stderr.trim(), /^spatialgen: --gpus is for training jobs: add train to --queues/);
  const embedded = await runCli(['build', '--preset', 'smoke', '--out', join(root, 'never'), '--train-cmd', 'true']);
  assert.match(embedded.stderr.trim(), /^spatialgen: --train-cmd needs --redis/);
  assert.ok(!existsSync(join(root, 'never')) || readdirSync(join(root, 'never')).length === 0);
});
