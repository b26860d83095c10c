// Benchmark of scripted robot demos without rendering: per robot and task kind, N seeded scenes, success rate with
// failure reasons, and the planning + physics cost of one episode on one core (this process's CPU time, steadier
// than wall time on a shared machine), set against a bound measured in the same run: replaying the episode's own
// recorded actions (physics and per-tick IK, no task choice, grasp synthesis or motion planning). Scenes:
//   primitives — seeded procedural primitives of tests/helpers/robot-scenes.ts (a tray added for put-in); a seed
//                whose scene has nothing the task fits is n/a, not an attempt
//   library    — what a build does: the demo preset with this robot and task, sampleScene(config, rng.fork('scene'))
//                from the episode seed, then recordDemo(scene, config, rng.fork('demo')); every seed is an attempt.
//                `--source imported` draws only the imported assets (the built-in YCB scans), `procedural` only the
//                procedural families; the default draws both, as builds do
// Writes its section of BENCHMARKS.md ("Demos", "Demos on library scenes", "Demos on scanned objects" for
// --source imported, "Demos on procedural objects" for --source procedural) unless --no-write.
//   node --import tsx bench/demos.ts [--scenes primitives|library] [--source any|procedural|imported] [--seeds 50]
//     [--robots panda,widowx250] [--tasks pick,place_on,...] [--widowx-area X,Y] [--json out.json] [--no-write]
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { ROBOT_NAMES, robotModel, type RobotName } from '../assets/robots/index.js';
import { replayActions } from '../generators/demos/pick-place-replay.js';
import { writeBenchSection } from './report.js';
import { recordPickPlaceDemo } from '../generators/demos/pick-place.js';
import { TASK_PRIMITIVES, type TaskPrimitive } from '../generators/demos/pick-place-tasks.js';
import { Rng } from '../core/random.js';
import type { BuildConfig } from '../schemas/config.js';
import { episodeActions } from '../generators/annotation/actions.js';
import { recordDemo } from '../generators/episode/simulate.js';
import { episodeSeed } from '../schemas/identity.js';
import type { Scene } from '../core/scene.js';
import type { PickPlaceRecording } from '../generators/demos/pick-place.js';
import { sampleScene } from '../generators/scene/sample.js';
import { demoConfig, robotTestScene } from '../tests/helpers/robot-scenes.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

interface Row {
  robot: string;
  task: string;
  attempts: number;
  succeeded: number;
  /** scenes with no objects that fit the task at all (not attempts) */
  notApplicable: number;
  reasons: Record<string, number>;
  wallMs: number[];
  cpuMs: number[];
  simSeconds: number[];
  /** CPU ms of recording and of replaying its actions, for the first REPLAYS succeeded episodes */
  paired: { episode: number; replay: number }[];
}

/** Succeeded episodes per row that are replayed for the bound. */
const REPLAYS = 5;

function cpuMsSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] : NaN);
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
/** A figure for the table: a row where nothing ran has none. */
const figure = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

async function main() {
  const seeds = Number(arg('seeds', '50'));
  const scenes = arg('scenes', 'primitives');
  if (scenes !== 'primitives' && scenes !== 'library') throw new Error(`--scenes is primitives or library, not ${scenes}`);
  const robots = arg('robots', ROBOT_NAMES.join(',')).split(',') as RobotName[];
  const tasks = arg('tasks', TASK_PRIMITIVES.join(',')).split(',') as TaskPrimitive[];
  const source = arg('source', 'any') as BuildConfig['scene']['asset_source'];
  if (!['any', 'procedural', 'imported'].includes(source)) throw new Error(`--source is any, procedural or imported, not ${source}`);
  const config = demoConfig();
  // the area objects are placed in (half extents) may be narrowed for the smaller WidowX 250
  const widowxArea = arg('widowx-area', config.scene.area.join(',')).split(',').map(Number) as [number, number];
  const rows: Row[] = [];
  // warm up V8 and Rapier's wasm so the first measured episode is not a compile
  await recordPickPlaceDemo(robotTestScene(10_000), config, new Rng(1), 'panda', { tasks: ['pick'] });
  for (const robot of robots) {
    for (const task of tasks) {
      const row: Row = { robot, task, attempts: 0, succeeded: 0, notApplicable: 0, reasons: {}, wallMs: [], cpuMs: [], simSeconds: [], paired: [] };
      for (let s = 0; s < seeds; s++) {
        const area = robot === 'widowx250' ? widowxArea : config.scene.area;
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        let rec: PickPlaceRecording;
        let scene: Scene;
        let cfg: BuildConfig = config;
        if (scenes === 'library') {
          // the build path of runEpisode: episode seed → scene stream → demo stream
          cfg = { ...config, scene: { ...config.scene, area, asset_source: source }, task: { ...config.task, robot, primitives: [task] } };
          const rng = new Rng(episodeSeed(cfg, s));
          scene = sampleScene(cfg, rng.fork('scene'));
          rec = (await recordDemo(scene, cfg, rng.fork('demo'))) as PickPlaceRecording;
        } else {
          scene = robotTestScene(s, { container: task === 'place_in', reach: robot === 'panda' ? [-0.1, 0.15] : [-0.15, 0.05], area });
          rec = await recordPickPlaceDemo(scene, config, new Rng(s), robot, { tasks: [task] });
        }
        const cpuMs = cpuMsSince(c0);
        const wall = performance.now() - t0;
        if (rec.success && row.paired.length < REPLAYS) {
          const r0 = process.cpuUsage();
          await replayActions(scene, rec, cfg, robotModel(robot), episodeActions(rec));
          row.paired.push({ episode: cpuMs, replay: cpuMsSince(r0) });
        }
        if (scenes === 'primitives' && rec.failureReason?.includes('the scene has no objects for the task')) {
          row.notApplicable++;
          continue;
        }
        row.attempts++;
        if (rec.success) row.succeeded++;
        else row.reasons[rec.failureReason ?? '?'] = (row.reasons[rec.failureReason ?? '?'] ?? 0) + 1;
        if (rec.taskSpec) {
          row.wallMs.push(wall);
          row.cpuMs.push(cpuMs);
          row.simSeconds.push(rec.steps.at(-1)!.time);
        }
      }
      rows.push(row);
      const rate = row.attempts ? (100 * row.succeeded) / row.attempts : NaN;
      console.log(`${scenes} ${robot.padEnd(9)} ${task.padEnd(9)} ${row.succeeded}/${row.attempts} = ${rate.toFixed(0)}%  (n/a ${row.notApplicable})  episode: wall median ${median(row.wallMs).toFixed(0)} ms, cpu mean ${mean(row.cpuMs).toFixed(0)} ms, ${mean(row.simSeconds).toFixed(1)} s simulated  ${JSON.stringify(row.reasons)}`);
    }
  }
  const all = rows.flatMap((r) => r.cpuMs);
  const load = loadavg()[0];
  console.log(`all executed episodes: ${all.length}, cpu ms per episode mean ${mean(all).toFixed(0)}, median ${median(all).toFixed(0)}; load average ${load.toFixed(1)}`);
  const out = arg('json', '');
  if (out) writeFileSync(out, JSON.stringify(rows, null, 1));
  if (!process.argv.includes('--no-write')) writeSection(scenes, source, seeds, rows, load);
}

const ROBOT_TITLES: Record<string, string> = { panda: 'Panda', widowx250: 'WidowX 250' };
const TASK_TITLES: Record<string, string> = {
  pick: 'pick up X', place_on: 'put X on Y', place_in: 'put X in Y', move_near: 'move X near Y', stack: 'stack X on Y', push_to: 'push X to a region',
};

function writeSection(scenes: string, source: string, seeds: number, rows: Row[], load: number): void {
  const library = scenes === 'library';
  const sourceArg = library && source !== 'any' ? ` --source ${source}` : '';
  const pct = (r: Row) => (r.attempts ? `${Math.round((100 * r.succeeded) / r.attempts)} %` : 'n/a');
  const reasons = (r: Row) => Object.entries(r.reasons).sort(([, a], [, b]) => b - a).map(([k, n]) => `${k.replace(/\|/g, '/')} ${n}`).join('; ') || '—';
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const ratio = (r: Row) => (r.paired.length ? (sum(r.paired.map((p) => p.episode)) / sum(r.paired.map((p) => p.replay))).toFixed(2) : '—');
  const table = rows.map((r) => `| ${ROBOT_TITLES[r.robot] ?? r.robot} | ${TASK_TITLES[r.task] ?? r.task} | ${r.succeeded} / ${r.attempts} | ${pct(r)} |`
    + `${library ? '' : ` ${r.notApplicable} |`} ${figure(mean(r.cpuMs), 0)} | ${ratio(r)} | ${figure(mean(r.simSeconds), 1)} | ${reasons(r)} |`);
  const paired = rows.flatMap((r) => r.paired);
  const all = rows.flatMap((r) => r.cpuMs);
  const pickPlace = rows.filter((r) => r.task === 'place_on' || r.task === 'place_in').flatMap((r) => r.cpuMs);
  const lines = [
    `Machine: \`nproc\` = ${cpus().length}, ${cpus()[0]?.model ?? '?'}; Node ${process.version}; one process, so one core; load average (1 min) ${load.toFixed(1)} at the end (a shared machine: CPU time is the steadier figure).`,
    `Command: \`node --import tsx bench/demos.ts${library ? ' --scenes library' : ''}${sourceArg} --seeds ${seeds}\` (\`--robots\`, \`--tasks\`, \`--json\` narrow or save it; \`npm run bench\` runs both scene kinds). Physics 240 Hz (Rapier deterministic build, length unit 0.1, resting bodies asleep, the held object kept awake), control and recording 10 Hz.`,
    '',
    library
      ? 'Scenes: what a build does per episode — the `demo` preset with `task.robot` and `task.primitives: [<task>]`, `rng = new Rng(episodeSeed(config, seed))`, `sampleScene(config, rng.fork(\'scene\'))` (asset library, train split, task-ready draws for the configured primitives within the robot\'s reach), `recordDemo(scene, config, rng.fork(\'demo\'))`. **Every seed is an attempt**: a scene where nothing fits or nothing can be planned counts as a failure.'
      : 'Scenes: `robotTestScene(seed)` of `tests/helpers/robot-scenes.ts`: 3–8 seeded procedural primitives of 3.5–8 cm (cubes and blocks, balls, cylinders, lying capsules, cones); put-in adds an open tray. An *attempt* is an episode whose scene has something the task fits (put-on: a holdable that does not roll and a support it fits on; stack: two blocks); *n/a* counts seeds without one. A task that fits but cannot be planned **is** a failed attempt ("no feasible task (…)").',
    '',
    `Bound: replaying the episode's own SPEC actions from its initial state (\`replayActions\`: the same physics and kinematic arm, IK per control tick, no task choice, grasp synthesis or motion planning), for the first ${REPLAYS} succeeded episodes of each row; "÷ replay" is their CPU time over the replays' — what planning adds on top of executing the motion.`,
    '',
    `| robot | task | succeeded / ${library ? 'seeds' : 'attempts'} | rate |${library ? '' : ' n/a |'} CPU ms per episode (mean) | ÷ replay | simulated s | failures by reason |`,
    `|---|---|---|---|${library ? '' : '---|'}---|---|---|---|`,
    ...table,
    '',
    `All ${all.length} executed episodes: **${mean(all).toFixed(0)} ms CPU per episode on average** (median ${median(all).toFixed(0)}); put-on and put-in ${mean(pickPlace).toFixed(0)} ms (target ≤ 300 ms); planning + execution ÷ replay over the ${paired.length} paired episodes: ${(sum(paired.map((p) => p.episode)) / sum(paired.map((p) => p.replay))).toFixed(2)}.`,
  ];
  const title = !library ? 'Demos' : source === 'imported' ? 'Demos on scanned objects' : source === 'procedural' ? 'Demos on procedural objects' : 'Demos on library scenes';
  writeBenchSection(title, lines.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
