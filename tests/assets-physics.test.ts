// Every procedural asset in real Rapier (240 Hz, a fixed table whose top is z = 0, the product's damping):
// dropped from 2 cm it comes to rest upright (+z within 10°) within 2 s; the collider Rapier built and the render
// mesh have the same bounding box (within 5 % per axis); a 3 cm ball dropped into every container stays inside. Every
// scan comes to rest within 3 s, upright unless it is a ball (balls roll off their flat base, as balls do).
// All variants of all families (~190 drops) and the 41 scans (whose colliders get a flat base: rest.ts flattenBase);
// the world uses a table-top length unit (see helpers/assets-physics.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLibrary } from '../assets/library.js';
import type { AssetEntry } from '../assets/core/asset.js';
import type { AssetInstance } from '../assets/instance.js';
import { aabbOfPoints, aabbSize } from '../assets/geometry/mesh.js';
import { baseBand } from '../assets/import/import-model.js';
import { ballIntoContainer, dropOnTable, restOn, rapierColliderAabb } from './helpers/assets-physics.js';

const lib = loadLibrary();
const YAW = [0.3, 1.1, 2.5];

/** The box Rapier's collider occupies vs the render mesh's: within 5 % of the extent per axis; the worst share. */
async function assertBoxesAgree(e: AssetEntry, a: AssetInstance): Promise<number> {
  const c = await rapierColliderAabb(a);
  const r = aabbOfPoints(lib.geometry(e).mesh.positions);
  const ext = aabbSize(r);
  let worst = 0;
  for (let k = 0; k < 3; k++) {
    const err = Math.max(Math.abs(c.min[k] - r.min[k]), Math.abs(c.max[k] - r.max[k])) / ext[k];
    worst = Math.max(worst, err);
    assert.ok(err <= 0.05, `${e.id}: collider box differs from the mesh box by ${(err * 100).toFixed(1)} % along ${'xyz'[k]}`);
  }
  return worst;
}

for (const category of lib.categories()) {
  test(`${category}: every variant dropped on the table rests upright within 2 s; collider and mesh boxes agree`, async (t) => {
    let worstTilt = 0, latest = 0, worstBox = 0;
    for (const [i, e] of lib.assets({ category, source: 'procedural' }).entries()) {
      const a = lib.instantiate(e);
      const d = await dropOnTable(a, { height: 0.02, yaw: YAW[i % YAW.length], seconds: 2 });
      assert.ok(d.tiltDeg < 10, `${e.id}: up axis ${d.tiltDeg.toFixed(1)}° from +z after 2 s`);
      assert.ok(d.linearSpeed < 0.01 && d.angularSpeed < 0.1, `${e.id}: still moving after 2 s (${d.linearSpeed.toFixed(4)} m/s, ${d.angularSpeed.toFixed(3)} rad/s)`);
      assert.ok(d.restAt <= 2, `${e.id}: never came to rest`);
      worstBox = Math.max(worstBox, await assertBoxesAgree(e, a));
      worstTilt = Math.max(worstTilt, d.tiltDeg);
      latest = Math.max(latest, d.restAt);
    }
    t.diagnostic(`worst tilt ${worstTilt.toFixed(2)}°, last at rest after ${latest.toFixed(2)} s, worst box difference ${(worstBox * 100).toFixed(2)} %`);
  });
}

test('every scan dropped on the table comes to rest within 3 s, upright unless it is a ball; collider and mesh boxes agree', async (t) => {
  const scans = lib.assets({ source: 'imported' });
  assert.ok(scans.length >= 41, `${scans.length} scans in the library`);
  let worstTilt = 0, latest = 0, worstBox = 0;
  for (const [i, e] of scans.entries()) {
    const a = lib.instantiate(e);
    const d = await dropOnTable(a, { height: 0.02, yaw: YAW[i % YAW.length], seconds: 3 });
    // a ball rolls onto any side of itself; what matters is that it stops where it is put
    if (e.category !== 'ball') {
      assert.ok(d.tiltDeg < 10, `${e.id}: up axis ${d.tiltDeg.toFixed(1)}° from +z after 3 s`);
      worstTilt = Math.max(worstTilt, d.tiltDeg);
    }
    assert.ok(d.linearSpeed < 0.01 && d.angularSpeed < 0.1, `${e.id}: still moving after 3 s (${d.linearSpeed.toFixed(4)} m/s, ${d.angularSpeed.toFixed(3)} rad/s)`);
    assert.ok(d.restAt <= 3, `${e.id}: never came to rest`);
    worstBox = Math.max(worstBox, await assertBoxesAgree(e, a));
    latest = Math.max(latest, d.restAt);
  }
  t.diagnostic(`${scans.length} scans: worst tilt ${worstTilt.toFixed(2)}° (balls aside), last at rest after ${latest.toFixed(2)} s, worst box difference ${(worstBox * 100).toFixed(2)} %`);
});

test('a scanned block, box or can put on a scanned support rests on its top, neither sunk into it nor sliding off', async (t) => {
  // the YCB foam brick once sank 1.2 cm into the pudding box's bumpy top and slid (hull.ts extremePoints)
  const scans = lib.assets({ source: 'imported' });
  const supports = scans.filter((e) => e.roles.includes('support') && e.size[2] <= 0.1);
  // what put-on would choose to put there: 2.5 cm or taller (objects.ts MIN_PLACEABLE_HEIGHT; the die is not)
  const tops = scans.filter((e) => ['block', 'cube', 'box', 'can'].includes(e.category) && e.graspable && e.roles.length === 0 && e.size[2] >= 0.025);
  let pairs = 0, worstSink = 0;
  for (const y of supports) {
    for (const x of tops) {
      if (Math.hypot(x.size[0], x.size[1]) / 2 > Math.min(y.size[0], y.size[1]) / 2) continue;
      const r = await restOn(lib.instantiate(y), lib.instantiate(x));
      const sink = (y.size[2] + x.size[2]) / 2 - r.rise;
      // each base is flattened up to its band above the scan's lowest point (import-model.ts baseBand), + 1 mm
      const slack = baseBand(x.size) + baseBand(y.size) + 0.001;
      assert.ok(Math.abs(sink) < slack, `${x.id} on ${y.id}: ${(sink * 1000).toFixed(1)} mm below resting on its top`);
      assert.ok(r.drift < 0.01 && r.linearSpeed < 0.01, `${x.id} on ${y.id}: slid ${(r.drift * 100).toFixed(1)} cm, moving at ${r.linearSpeed.toFixed(3)} m/s`);
      worstSink = Math.max(worstSink, Math.abs(sink) / slack);
      pairs++;
    }
  }
  assert.ok(pairs >= 4, `${pairs} pairs`);
  t.diagnostic(`${pairs} pairs (${supports.length} supports): worst height error ${(worstSink * 100).toFixed(0)} % of its slack`);
});

test('a small ball dropped into every container stays inside', async (t) => {
  const containers = lib.assets({ roles: ['container'] });
  assert.ok(containers.length >= 40);
  for (const e of containers) {
    const r = await ballIntoContainer(lib.instantiate(e), 0.015);
    assert.ok(r.inside, `${e.id}: the ball ended at ${r.ballLocal.map((x) => x.toFixed(3)).join(', ')} (container frame), outside`);
    assert.ok(r.containerTiltDeg < 10, `${e.id}: the container tipped over (${r.containerTiltDeg.toFixed(1)}°)`);
  }
  t.diagnostic(`${containers.length} containers`);
});
