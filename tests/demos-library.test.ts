// Pick-and-place scenes drawn from the asset library are task-ready (issue 4): every seed's scene holds a container,
// a support and two objects the configured robot's gripper can hold — one fits in the container, one stays put on
// the support — within the robot's reach, drawn from the seeded stream (the same seed gives the same scene); push
// scenes get no such draws. And the scripted demos succeed on them as often as the issue asks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROBOT_STATIONS, robotModel } from '../assets/robots/index.js';
import { isContainer, isSupport, taskCandidates } from '../generators/demos/pick-place-tasks.js';
import { minWidth } from '../generators/scene/geometry.js';
import { recordDemo } from '../generators/episode/simulate.js';
import { episodeSeed } from '../schemas/identity.js';
import type { SceneObject } from '../core/scene.js';
import { libraryCandidates, taskReadyPools } from '../generators/scene/objects.js';
import { sampleScene } from '../generators/scene/sample.js';
import { Rng } from '../core/random.js';
import type { BuildConfig } from '../schemas/config.js';
import { presetConfig } from '../schemas/presets.js';

function pickPlaceConfig(robot: 'panda' | 'widowx250', primitives?: BuildConfig['task']['primitives']): BuildConfig {
  const c = presetConfig('demo');
  return { ...c, task: { ...c.task, robot, primitives: primitives ?? c.task.primitives } };
}

describe('task-ready library scenes', () => {
  for (const robot of ['panda', 'widowx250'] as const) {
    test(`${robot}: every seed has a container, a support, blocks and objects narrower than the gripper opening − 1.6 cm`, () => {
      const config = pickPlaceConfig(robot);
      const opening = robotModel(robot).gripper!.maxOpening;
      for (let s = 0; s < 12; s++) {
        const scene = sampleScene(config, new Rng(1000 + s));
        const objs = scene.objects.filter((o) => o.annotated);
        const names = objs.map((o) => o.name).join(', ');
        assert.ok(objs.some((o) => isContainer(o) && o.roles?.includes('container')), `seed ${s}: no container in ${names}`);
        assert.ok(objs.some((o) => isSupport(o) && !isContainer(o)), `seed ${s}: no support in ${names}`);
        const holdable = objs.filter((o) => !isContainer(o) && minWidth(o) < opening - 0.016);
        assert.ok(holdable.length >= 2, `seed ${s}: ${holdable.length} holdable in ${names}`);
        // something fits in the container, something that stays put fits on the support's top, a block on a block
        const canHold = (o: SceneObject) => holdable.includes(o);
        for (const kind of ['place_in', 'place_on', 'stack'] as const) {
          assert.ok(taskCandidates(scene, kind, new Rng(s), canHold).length > 0, `seed ${s}: no ${kind} pair in ${names}`);
        }
        // and what the tasks need stands within the robot's reach from where its base stands this episode (free draws
        // may stand anywhere)
        const { reach } = ROBOT_STATIONS[robot];
        const base = scene.robotBase!.position;
        const inReach = (o: SceneObject) => {
          const d = Math.hypot(o.pose.position[0] - base[0], o.pose.position[1] - base[1]);
          return d >= reach[0] && d <= reach[1];
        };
        assert.ok(objs.some((o) => isContainer(o) && inReach(o)), `seed ${s}: no container within reach in ${names}`);
        assert.ok(objs.some((o) => isSupport(o) && !isContainer(o) && inReach(o)), `seed ${s}: no support within reach in ${names}`);
        // distractors stand beside them (as many as the table holds), and no task ever names one
        const distractors = objs.filter((o) => o.distractor);
        assert.ok(distractors.length >= 1 && distractors.length <= config.scene.distractors![1], `seed ${s}: ${distractors.length} distractors`);
        for (const kind of ['pick', 'place_on', 'place_in', 'move_near', 'stack', 'push_to'] as const) {
          for (const c of taskCandidates(scene, kind, new Rng(s), () => true)) assert.ok(!c.x.distractor && !c.y?.distractor, `seed ${s}: ${kind} names a distractor`);
        }
      }
    });
  }

  test('the arm\'s base moves and turns within its jitter, drawn per episode; without jitter it stands at its station', () => {
    const config = pickPlaceConfig('panda');
    const [d, deg] = config.task.base_jitter;
    assert.ok(d > 0 && deg > 0, 'the demo preset jitters the base');
    const station = ROBOT_STATIONS.panda.base;
    const seen = new Set<string>();
    for (let s = 0; s < 20; s++) {
      const scene = sampleScene(config, new Rng(2000 + s));
      const b = scene.robotBase!;
      assert.ok(Math.abs(b.position[0] - station[0]) <= d && Math.abs(b.position[1] - station[1]) <= d && b.position[2] === station[2] + (scene.tableDrop ?? 0), `seed ${s}: ${b.position}`);
      const [x, y, z, w] = b.quaternion;
      const yawDeg = (2 * Math.atan2(z, w) * 180) / Math.PI;
      assert.ok(x === 0 && y === 0 && Math.abs(yawDeg) <= deg + 1e-9, `seed ${s}: yaw ${yawDeg}°`);
      seen.add(b.position.join(','));
    }
    assert.equal(seen.size, 20);
    const still = { ...config, task: { ...config.task, base_jitter: [0, 0] as [number, number] }, environment: { ...config.environment, table_height_jitter: 0 } };
    assert.deepEqual(sampleScene(still, new Rng(5)).robotBase, { position: [...station], quaternion: [0, 0, 0, 1] });
  });

  test('a lower table raises the arm\'s base and the still cameras by its drop and changes nothing else; the arm stands on a mount that tall', async () => {
    const config = pickPlaceConfig('panda');
    const jitter = config.environment.table_height_jitter;
    assert.ok(jitter > 0, 'the demo preset lowers the table');
    const level = { ...config, environment: { ...config.environment, table_height_jitter: 0 } };
    const drops: number[] = [];
    for (let s = 0; s < 10; s++) {
      const lower = sampleScene(config, new Rng(3000 + s)), flat = sampleScene(level, new Rng(3000 + s));
      const drop = lower.tableDrop!;
      assert.ok(drop > 0 && drop <= jitter, `seed ${s}: drop ${drop}`);
      drops.push(drop);
      assert.equal(flat.tableDrop, undefined);
      const up = (p: readonly number[]) => [p[0], p[1], p[2] + drop];
      assert.deepEqual(lower.robotBase!.position, up(flat.robotBase!.position));
      for (const [k, cam] of lower.cameras.entries()) {
        const was = flat.cameras[k];
        // the wrist camera rides the arm: its spec (in the TCP frame) is untouched
        assert.deepEqual(cam, was.mount === 'tcp' ? was : { ...was, position: up(was.position), target: up(was.target) }, `seed ${s}: camera ${cam.name}`);
      }
      assert.deepEqual(lower.objects, flat.objects, `seed ${s}: the table and what stands on it are where they were`);
    }
    assert.equal(new Set(drops).size, drops.length, 'drawn per episode');
    // the episode: the arm on its mount, from the table top to the base, still doing its task
    const rng = new Rng(episodeSeed(config, 4));
    const scene = sampleScene(config, rng.fork('scene'));
    const rec = await recordDemo(scene, config, rng.fork('demo'));
    const mount = scene.objects.find((o) => o.name === 'panda mount')!;
    assert.ok(mount && mount.body === 'fixed' && !mount.annotated, 'a fixed, unannotated mount');
    assert.ok(mount.shape.kind === 'box' && Math.abs(mount.shape.size[2] - scene.tableDrop!) < 1e-12 && Math.abs(mount.pose.position[2] - scene.tableDrop! / 2) < 1e-12, 'as tall as the drop, on the table top');
    assert.ok(Math.max(...scene.objects.filter((o) => o.category === 'robot' && o !== mount).map((o) => o.id)) < mount.id, 'its id follows the links');
    assert.ok(rec.success, `the task still succeeds: ${rec.failureReason}`);
  });

  test('the same seed gives the same scene; push scenes draw nothing extra', () => {
    const config = pickPlaceConfig('panda');
    const a = JSON.stringify(sampleScene(config, new Rng(7)), (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));
    const b = JSON.stringify(sampleScene(config, new Rng(7)), (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));
    assert.equal(a, b);
    const push = presetConfig('smoke');
    assert.equal(push.task.kind, 'push');
    assert.deepEqual(taskReadyPools(push, libraryCandidates(push)), []);
    // support, container, a holdable for it, two blocks; only what the configured primitives need
    assert.equal(taskReadyPools(config, libraryCandidates(config)).length, 5);
    assert.equal(taskReadyPools(pickPlaceConfig('panda', ['pick']), libraryCandidates(config)).length, 2);
  });

  // the acceptance on the build path (bench/demos.ts --scenes library measures 50 seeds): every seed is an
  // attempt, a scene where nothing fits or nothing can be planned counts as a failure. Twice the seeds of issue 4's
  // version at the same rates (90 %, 83 %, 83 %, 75 %): with the scans in the library, six seeds were too few to tell
  // a rate of 83 % from one of 100 % (one unlucky scene decided it)
  for (const robot of ['panda', 'widowx250'] as const) {
    for (const [task, seeds, need] of [['pick', 20, 18], ['place_on', 12, 10], ['place_in', 12, 10], ['stack', 8, 6]] as const) {
      test(`${robot} ${task} on library scenes: at least ${need} of ${seeds} seeds succeed`, async () => {
        const config = pickPlaceConfig(robot, [task]);
        const failures: string[] = [];
        for (let s = 0; s < seeds; s++) {
          const rng = new Rng(episodeSeed(config, 100 + s));
          const rec = await recordDemo(sampleScene(config, rng.fork('scene')), config, rng.fork('demo'));
          if (!rec.success) failures.push(`seed ${100 + s}: ${rec.failureReason}`);
        }
        assert.ok(seeds - failures.length >= need, failures.join('; '));
      });
    }
  }
});
