// Pick-and-place scenes drawn from the asset library are task-ready (issue 4): every seed's scene holds a container,
// a support and two objects the configured robot's gripper can hold, drawn from the seeded stream (the same seed
// gives the same scene); push scenes get no such draws.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { robotModel } from '../assets/robots/index.js';
import { isContainer, isSupport, minWidth } from '../generators/demos/pick-place-tasks.js';
import { recordDemo } from '../generators/episode.js';
import { libraryCandidates, taskReadyPools } from '../generators/scene/objects.js';
import { sampleScene } from '../generators/scene/sample.js';
import { Rng } from '../core/random.js';
import type { BuildConfig } from '../schemas/config.js';
import { presetConfig } from '../schemas/presets.js';

function pickPlaceConfig(robot: 'panda' | 'widowx250', primitives: BuildConfig['task']['primitives'] = ['pick']): BuildConfig {
  const c = presetConfig('demo');
  return { ...c, task: { ...c.task, robot, primitives } };
}

describe('task-ready library scenes', () => {
  for (const robot of ['panda', 'widowx250'] as const) {
    test(`${robot}: every seed has a container, a support and two objects narrower than the gripper opening − 1.6 cm`, () => {
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
        assert.ok(objs.length <= config.scene.objects_max);
      }
    });
  }

  test('the same seed gives the same scene; push scenes draw nothing extra', () => {
    const config = pickPlaceConfig('panda');
    const a = JSON.stringify(sampleScene(config, new Rng(7)), (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));
    const b = JSON.stringify(sampleScene(config, new Rng(7)), (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));
    assert.equal(a, b);
    const push = presetConfig('smoke');
    assert.equal(push.task.kind, 'push');
    assert.deepEqual(taskReadyPools(push, libraryCandidates(push)), []);
    assert.equal(taskReadyPools(config, libraryCandidates(config)).length, 4);
  });

  test('put-in on a library scene succeeds with the Panda (the build path: scene stream, then demo stream)', async () => {
    const config = pickPlaceConfig('panda', ['place_in']);
    let ok = 0;
    for (let s = 0; s < 3 && ok === 0; s++) {
      const rng = new Rng(2000 + s);
      const rec = await recordDemo(sampleScene(config, rng.fork('scene')), config, rng.fork('demo'));
      if (rec.success) ok++;
    }
    assert.ok(ok > 0, 'no put-in succeeded on 3 library scenes');
  });
});
