// Benchmark of scripted robot demos without rendering: per robot and task kind, N seeded scenes, success rate with
// failure reasons, and the planning + physics cost of one episode on one core (wall time and this process's CPU
// time, which is steadier on a shared machine). Scenes:
//   primitives — seeded procedural primitives of tests/helpers/robot-scenes.ts (a tray added for put-in); a seed
//                whose scene has nothing the task fits is n/a, not an attempt
//   library    — what a build does: the demo preset with this robot and task, sampleScene(config, rng.fork('scene'))
//                from the episode seed, then recordDemo(scene, config, rng.fork('demo')); every seed is an attempt
//   node --import tsx bench/demos.ts [--scenes primitives|library] [--seeds 50] [--robots panda,widowx250]
//     [--tasks pick,place_on,...] [--widowx-area X,Y] [--json out.json]
import { writeFileSync } from 'node:fs';
import { ROBOT_NAMES, type RobotName } from '../assets/robots/index.js';
import { recordPickPlaceDemo } from '../generators/demos/pick-place.js';
import { TASK_KINDS, type TaskKind } from '../generators/demos/pick-place-tasks.js';
import { Rng } from '../core/random.js';
import type { BuildConfig } from '../schemas/config.js';
import { episodeSeed, recordDemo } from '../generators/episode.js';
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
}

const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] : NaN);
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

async function main() {
  const seeds = Number(arg('seeds', '50'));
  const scenes = arg('scenes', 'primitives');
  if (scenes !== 'primitives' && scenes !== 'library') throw new Error(`--scenes is primitives or library, not ${scenes}`);
  const robots = arg('robots', ROBOT_NAMES.join(',')).split(',') as RobotName[];
  const tasks = arg('tasks', TASK_KINDS.join(',')).split(',') as TaskKind[];
  const config = demoConfig();
  // the area objects are placed in (half extents) may be narrowed for the smaller WidowX 250
  const widowxArea = arg('widowx-area', config.scene.area.join(',')).split(',').map(Number) as [number, number];
  const rows: Row[] = [];
  // warm up V8 and Rapier's wasm so the first measured episode is not a compile
  await recordPickPlaceDemo(robotTestScene(10_000), config, new Rng(1), 'panda', { tasks: ['pick'] });
  for (const robot of robots) {
    for (const task of tasks) {
      const row: Row = { robot, task, attempts: 0, succeeded: 0, notApplicable: 0, reasons: {}, wallMs: [], cpuMs: [], simSeconds: [] };
      for (let s = 0; s < seeds; s++) {
        const area = robot === 'widowx250' ? widowxArea : config.scene.area;
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        let rec: PickPlaceRecording;
        if (scenes === 'library') {
          // the build path of runEpisode: episode seed → scene stream → demo stream
          const cfg: BuildConfig = { ...config, scene: { ...config.scene, area }, task: { ...config.task, robot, primitives: [task] } };
          const rng = new Rng(episodeSeed(cfg, s));
          const scene = sampleScene(cfg, rng.fork('scene'));
          rec = (await recordDemo(scene, cfg, rng.fork('demo'))) as PickPlaceRecording;
        } else {
          const scene = robotTestScene(s, { container: task === 'place_in', reach: robot === 'panda' ? [-0.1, 0.15] : [-0.15, 0.05], area });
          rec = await recordPickPlaceDemo(scene, config, new Rng(s), robot, { tasks: [task] });
        }
        const cpu = process.cpuUsage(c0);
        const wall = performance.now() - t0;
        if (scenes === 'primitives' && rec.failureReason?.includes('the scene has no objects for the task')) {
          row.notApplicable++;
          continue;
        }
        row.attempts++;
        if (rec.success) row.succeeded++;
        else row.reasons[rec.failureReason ?? '?'] = (row.reasons[rec.failureReason ?? '?'] ?? 0) + 1;
        if (rec.taskSpec) {
          row.wallMs.push(wall);
          row.cpuMs.push((cpu.user + cpu.system) / 1000);
          row.simSeconds.push(rec.steps.at(-1)!.time);
        }
      }
      rows.push(row);
      const rate = row.attempts ? (100 * row.succeeded) / row.attempts : NaN;
      console.log(`${scenes} ${robot.padEnd(9)} ${task.padEnd(9)} ${row.succeeded}/${row.attempts} = ${rate.toFixed(0)}%  (n/a ${row.notApplicable})  episode: wall median ${median(row.wallMs).toFixed(0)} ms, cpu mean ${mean(row.cpuMs).toFixed(0)} ms, ${mean(row.simSeconds).toFixed(1)} s simulated  ${JSON.stringify(row.reasons)}`);
    }
  }
  const all = rows.flatMap((r) => r.cpuMs);
  console.log(`all executed episodes: ${all.length}, cpu ms per episode mean ${mean(all).toFixed(0)}, median ${median(all).toFixed(0)}; load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
  const out = arg('json', '');
  if (out) writeFileSync(out, JSON.stringify(rows, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
