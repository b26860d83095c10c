// Language: phrasing banks and their held-out split, grammar for every object name, referring expressions that select
// exactly their object (re-evaluated against the 3D scene and camera, with the geometry recomputed here), and the new
// stage-1 types checked on real rendered frames against the scene.
import { after, before, describe as suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { presetConfig } from '../schemas/presets.js';
import { parseBuildConfig, type BuildConfig } from '../schemas/config.js';
import { parseCoordFormat } from '../schemas/coord-format.js';
import { formatBox, formatPoint } from '../generators/language/coords.js';
import { Rng } from '../core/random.js';
import { type CameraModel, cameraModel, mountedAt, project } from '../core/camera.js';
import type { Pose, Vec3 } from '../core/math.js';
import { rotate } from '../core/math.js';
import { type SceneObject, TABLE_ID } from '../core/scene.js';
import { sampleScene } from '../generators/scene/sample.js';
import { sceneLibrary } from '../generators/scene/objects.js';
import { INSTRUCTIONS, SPATIAL_PROMPTS, type SentenceTask } from '../generators/language/instructions.js';
import { QUESTIONS } from '../generators/language/templates.js';
import { type Bank, fill, phrasingSplit } from '../generators/language/phrasing.js';
import { type ReferringExpression, SIZE_RATIO, agreement, describe, nounsOf, resolve, sizeMeasure } from '../generators/language/refer.js';
import { referableObjects, taskSentences } from '../generators/language/task-language.js';
import { DIRECTIONS, DIRECTION_MARGIN_DEG, DIRECTION_WORDS, IMAGE_MARGIN, MIN_SEPARATION_M, POSITION_MARGIN_M, cameraViewpoint, inDirection, robotViewpoint } from '../generators/language/viewpoint.js';
import { freeClearance, isFreeSpot, tableTop } from '../generators/annotation/free-space.js';
import { footprintRadius } from '../generators/scene/geometry.js';
import { Renderer, shutdownRendering } from '../generators/rendering/index.js';
import { simulateEpisode } from '../generators/episode/simulate.js';
import { EpisodeAnnotator, objectsAt } from '../generators/episode/annotate.js';
import { renderSteps } from '../generators/episode/render.js';
import { FrameEncoder } from '../generators/encode/frame.js';
import type { Stage1Sample } from '../schemas/records.js';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spatialgen, tempDir } from './helpers/build-fixture.js';
import { readArrowStream } from './helpers/arrow-read.js';

const TASKS = Object.keys(INSTRUCTIONS) as SentenceTask[];
const ALL_BANKS: Bank[] = [...Object.values(INSTRUCTIONS), ...Object.values(SPATIAL_PROMPTS), ...Object.values(QUESTIONS)];

suite('phrasing banks', () => {
  test('12+ instructions and 5+ spatial prompts per task, 5+ phrasings per question type, each bank ~20 % held out', () => {
    for (const t of TASKS) {
      assert.ok(INSTRUCTIONS[t].phrasings.length >= 12, `${t}: ${INSTRUCTIONS[t].phrasings.length} instructions`);
      assert.ok(SPATIAL_PROMPTS[t].phrasings.length >= 5, `${t}: ${SPATIAL_PROMPTS[t].phrasings.length} prompts`);
    }
    for (const b of ALL_BANKS) {
      assert.ok(b.phrasings.length >= 5, `${b.id} has ${b.phrasings.length}`);
      assert.equal(new Set(b.phrasings).size, b.phrasings.length, `${b.id}: no phrasing twice`);
      const test = b.phrasings.filter((_, i) => phrasingSplit(i) === 'test').length;
      assert.ok(test >= 1 && test / b.phrasings.length >= 0.15 && test / b.phrasings.length <= 0.25, `${b.id}: ${test} of ${b.phrasings.length} held out`);
    }
    assert.equal(new Set(ALL_BANKS.map((b) => b.id)).size, ALL_BANKS.length, 'bank ids are unique');
  });

  test('grammatical for every noun of the library: slots filled, words agree with a plural noun, no doubled article', () => {
    const nouns = new Set<string>(['scissors']); // a plural noun: "them", "their", "are"
    for (const e of sceneLibrary().assets()) for (const n of nounsOf(e)) nouns.add(n);
    const slotsFor = (noun: string) => ({
      x: `the ${noun}`, ...agreement({ noun }), y: 'the plate to the left of the bowl', region: 'the left side of the table', dir: 'to the left',
      fmt: 'coordinates normalized to 0-1000', rel: 'behind', instruction: 'Pick up the mug.',
    });
    for (const b of ALL_BANKS) {
      for (const p of b.phrasings) {
        // what agrees with {x} is a slot: a literal "is {x}", "its bounding box" or "box it" would be wrong for "the scissors"
        assert.ok(!/\bis \{x\}|\{x\} is\b|\{x\}[^.?]*(?<!\{)\bits\b(?!\})|\bbox it\b/.test(p), `${b.id}: "${p}" agrees by hand`);
        assert.ok(!/^\{/.test(p), `${b.id}: "${p}" starts with a slot`);
        for (const noun of nouns) {
          const s = fill(p, slotsFor(noun));
          assert.ok(!/\{\w+\}/.test(s) && !/\bthe the\b/i.test(s) && !/\s{2,}|\s[,.?!]/.test(s), `${b.id}: "${s}"`);
          assert.match(s, /^[A-Z]/, `${b.id}: "${s}" starts with a capital`);
          assert.match(s, /[.?]$/, `${b.id}: "${s}" ends a sentence`);
          if (noun === 'scissors') assert.ok(!/\bthe scissors is\b|\bis the scissors\b/.test(s) && (!p.includes('{it}') || /\bthem\b/.test(s)), s);
        }
      }
    }
  });

  test('the held-out split: a test build phrases only with test phrasings, a train build never does, and records which', () => {
    const scene = sampleScene(presetConfig('demo'), new Rng(3));
    const objects = referableObjects(scene.objects);
    const base: Pose = scene.robotBase!;
    for (const choice of ['train', 'test'] as const) {
      const seen = new Set<string>();
      for (let s = 0; s < 200; s++) {
        const x = objects[s % objects.length];
        const t = taskSentences(scene, base, { task: 'push', x, dir: 'to the left' }, choice, new Rng(s));
        if (!t) continue;
        assert.equal(t.language.instruction_split, choice);
        assert.equal(t.language.spatial_prompt_split, choice);
        const index = Number(t.language.instruction_template.split('#')[1]);
        assert.equal(phrasingSplit(index), choice);
        assert.equal(t.instruction, fill(INSTRUCTIONS.push.phrasings[index], { x: t.language.referring[0].text, it: 'it', dir: 'to the left' }));
        seen.add(t.language.instruction_template);
      }
      assert.equal(seen.size, INSTRUCTIONS.push.phrasings.filter((_, i) => phrasingSplit(i) === choice).length, `${choice}: every phrasing of the split used`);
    }
  });
});

// ---- referring expressions re-evaluated against the scene, geometry recomputed here ----

/** the viewpoint's table axes, recomputed: robot from its base pose, camera from its stored matrix */
function axes(vp: { kind: 'robot'; base: Pose } | { kind: 'camera'; cam: CameraModel }) {
  if (vp.kind === 'robot') {
    const f = rotate(vp.base.quaternion, [1, 0, 0]);
    const n = Math.hypot(f[0], f[1]);
    return { o: [vp.base.position[0], vp.base.position[1]], f: [f[0] / n, f[1] / n], r: [f[1] / n, -f[0] / n] };
  }
  const T = vp.cam.T_world_to_cam;
  const R = [[T[0], T[1], T[2]], [T[4], T[5], T[6]], [T[8], T[9], T[10]]];
  const c = [0, 1, 2].map((i) => -(R[0][i] * T[3] + R[1][i] * T[7] + R[2][i] * T[11]));
  const fx = R[2][0] - R[1][0], fy = R[2][1] - R[1][1], fn = Math.hypot(fx, fy);
  const rn = Math.hypot(R[0][0], R[0][1]);
  return { o: [c[0], c[1]], f: [fx / fn, fy / fn], r: [R[0][0] / rn, R[0][1] / rn] };
}

/** Checks every claim of a stored expression against the objects' 3D positions; returns the failures. */
function verify(e: ReferringExpression, objects: readonly SceneObject[], view: { kind: 'robot'; base: Pose } | { kind: 'camera'; cam: CameraModel }): string[] {
  const a = axes(view);
  const uv = (p: Vec3) => [(p[0] - a.o[0]) * a.r[0] + (p[1] - a.o[1]) * a.r[1], (p[0] - a.o[0]) * a.f[0] + (p[1] - a.o[1]) * a.f[1]];
  const ix = (p: Vec3) => (view.kind === 'camera' ? project(view.cam, p)[0] : 0);
  const target = objects.find((o) => o.id === e.object_id)!;
  const cands = objects.filter((o) => (o.category === e.noun || o.synonyms.includes(e.noun)) && (e.color === null || o.material.colorName === e.color));
  const others = cands.filter((o) => o.id !== target.id);
  const bad: string[] = [];
  if (!cands.includes(target)) bad.push('noun or colour does not fit');
  if (!e.size && !e.position && !e.relation && others.length > 0) bad.push('plain words fit another object');
  if (e.size) {
    const m = sizeMeasure(target);
    if (!others.every((o) => (e.size === 'bigger' ? m >= SIZE_RATIO * sizeMeasure(o) : sizeMeasure(o) >= SIZE_RATIO * m))) bad.push('size');
  }
  if (e.position) {
    const key = (p: Vec3) => { const [u, v] = uv(p); return e.position === 'left' ? -u : e.position === 'right' ? u : e.position === 'nearest' ? -Math.hypot(u, v) : Math.hypot(u, v); };
    if (!others.every((o) => key(target.pose.position) - key(o.pose.position) >= POSITION_MARGIN_M)) bad.push('position');
    if (view.kind === 'camera' && (e.position === 'left' || e.position === 'right')) {
      const s = e.position === 'left' ? -1 : 1;
      if (!others.every((o) => s * (ix(target.pose.position) - ix(o.pose.position)) >= IMAGE_MARGIN * view.cam.width)) bad.push('position in the image');
    }
  }
  if (e.relation) {
    const ref = objects.find((o) => o.id === e.reference_id)!;
    const refs = objects.filter((o) => o.category === e.reference_noun && (e.reference_color === null || o.material.colorName === e.reference_color));
    if (refs.length !== 1 || refs[0] !== ref) bad.push('reference not unique');
    const angleOff = (o: SceneObject) => {
      const [pu, pv] = uv(o.pose.position), [ru, rv] = uv(ref.pose.position);
      const ang = (Math.atan2(pv - rv, pu - ru) * 180) / Math.PI;
      return { off: Math.abs(((ang - DIRECTIONS.indexOf(e.relation!) * 45) % 360 + 540) % 360 - 180), d: Math.hypot(pu - ru, pv - rv) };
    };
    const t = angleOff(target);
    if (!(t.off <= 45 - DIRECTION_MARGIN_DEG && t.d >= MIN_SEPARATION_M)) bad.push('target not in the direction');
    if (!others.filter((o) => o !== ref).every((o) => { const x = angleOff(o); return x.off >= 45 + DIRECTION_MARGIN_DEG || x.d < MIN_SEPARATION_M; })) bad.push('another candidate in the direction');
  }
  return bad;
}

test('1,000 sampled scenes: every object gets an expression that selects exactly it, from the robot and from the camera', () => {
  const config = parseBuildConfig({ ...structuredClone(presetConfig('demo')), scene: { ...presetConfig('demo').scene, twins: 0.5 } }, 'test');
  const levels = { noun: 0, color: 0, size: 0, position: 0, relation: 0 };
  let described = 0, none = 0, twins = 0, relationalCount = 0;
  for (let s = 0; s < 1000; s++) {
    const scene = sampleScene(config, new Rng(10_000 + s));
    const objects = referableObjects(scene.objects);
    if (objects.some((o) => objects.some((p) => p !== o && p.category === o.category && p.material.colorName === o.material.colorName))) twins++;
    const cam = cameraModel(scene.cameras[0]);
    const views = [
      { vp: robotViewpoint(scene.robotBase!), check: { kind: 'robot' as const, base: scene.robotBase! } },
      { vp: cameraViewpoint(cam), check: { kind: 'camera' as const, cam } },
    ];
    for (const { vp, check } of views) {
      for (const o of objects) {
        // the shortest expression, and the relational one ref_box / ref_point ask with
        for (const relational of [false, true]) {
          const e = describe(o, objects, vp, new Rng(s).fork(o.id), { relational });
          if (!e) {
            if (!relational) none++;
            continue;
          }
          described += relational ? 0 : 1;
          // what a reader gets back: the stored structure, through JSON
          const stored = JSON.parse(JSON.stringify(e)) as ReferringExpression;
          assert.deepEqual(resolve(stored, objects, vp), [o.id], `${stored.text} (scene ${s}, ${vp.name})`);
          assert.deepEqual(verify(stored, objects, check), [], `${stored.text} (scene ${s}, ${vp.name})`);
          if (relational) relationalCount++;
          else levels[e.relation ? 'relation' : e.position ? 'position' : e.size ? 'size' : e.color ? 'color' : 'noun']++;
        }
      }
    }
  }
  assert.ok(twins >= 300, `${twins} of 1000 scenes hold same-colour, same-category twins`);
  assert.ok(none / (described + none) < 0.02, `${none} objects without an unambiguous expression of ${described + none}`);
  for (const k of ['noun', 'color', 'size', 'position'] as const) assert.ok(levels[k] >= 50, `${levels[k]} shortest expressions at level ${k}`);
  assert.ok(relationalCount >= 1000, `${relationalCount} relational expressions`);
});

// ---- the new stage-1 types on real rendered frames ----

let renderer: Renderer;
before(async () => {
  renderer = await Renderer.create();
});
after(() => {
  shutdownRendering();
});

/** stage-1 samples of some frames of a demo episode, in three coordinate conventions, with the scene at each frame */
async function renderedSamples(index: number) {
  const demo = presetConfig('demo');
  const cam = { ...demo.cameras[0], width: 192, height: 144 };
  const make = (coord_format: string): BuildConfig => parseBuildConfig({ ...structuredClone(demo), cameras: [cam], scene: { ...demo.scene, twins: 0.6 }, stage1: { ...demo.stage1, every_n_frames: 1, coord_format } }, 'test');
  const formats = ['abs:224x224', 'norm1000', 'norm1'];
  const configs = formats.map(make);
  const ep = await simulateEpisode(configs[0], index);
  const annotators = configs.map((c) => new EpisodeAnnotator(c, ep));
  const encoder = new FrameEncoder(configs[0].render, renderer);
  const picked = new Set([0, Math.floor(ep.recording.steps.length / 3)]);
  const rec = { ...ep.recording, steps: ep.recording.steps.filter((_, k) => picked.has(k)) };
  const real = [...picked].sort((a, b) => a - b);
  const out: { k: number; objects: SceneObject[]; cam: CameraModel; seen: Set<number>; samples: Stage1Sample[][] }[] = [];
  for await (const r of renderSteps(renderer, ep.scene, rec)) {
    const k = real[r.index];
    // what the camera shows at all (any pixel): the objects an expression was made among
    const seen = new Set<number>(r.buffers[0].ids);
    const images = r.buffers.map((b) => encoder.encode(b));
    const samples = annotators.map((a) => a.step(k, r.step, r.buffers, images).samples);
    out.push({ k, objects: objectsAt(ep.scene.objects, r.step), cam: cameraModel(mountedAt(ep.scene.cameras[0], r.step.tcp)), seen, samples });
  }
  await encoder.done();
  return { ep, frames: out, formats };
}

/** the world point of a pixel on the table top plane (z = top), by the SPEC camera model */
function onTable(cam: CameraModel, uv: [number, number], top: number): Vec3 {
  const K = cam.K, T = cam.T_world_to_cam;
  const d = [(uv[0] - K[2]) / K[0], (uv[1] - K[5]) / K[4], 1]; // camera-frame ray
  const R = [[T[0], T[1], T[2]], [T[4], T[5], T[6]], [T[8], T[9], T[10]]];
  const w = [0, 1, 2].map((i) => R[0][i] * d[0] + R[1][i] * d[1] + R[2][i] * d[2]);
  const c = [0, 1, 2].map((i) => -(R[0][i] * T[3] + R[1][i] * T[7] + R[2][i] * T[11]));
  const t = (top - c[2]) / w[2];
  return [c[0] + t * w[0], c[1] + t * w[1], top];
}

test('rendered frames: relation, referring and free-space answers hold in the scene; every answer text matches its structure in every convention', async () => {
  const counts: Record<string, number> = {};
  for (const index of [0, 1, 2]) {
    const { frames, formats } = await renderedSamples(index);
    for (const f of frames) {
      const objects = referableObjects(f.objects);
      const table = f.objects.find((o) => o.id === TABLE_ID)!;
      const vp = cameraViewpoint(f.cam);
      f.samples.forEach((samples, fi) => {
        const fmt = parseCoordFormat(formats[fi]);
        for (const s of samples) {
          counts[s.task_type] = (counts[s.task_type] ?? 0) + (fi === 0 ? 1 : 0);
          assert.equal(s.coord_format, formats[fi]);
          assert.ok(s.template.startsWith(`${s.task_type}#`) && s.phrasing_split === 'train', `${s.template} ${s.phrasing_split}`);
          // the text of the answer is the structured answer in the convention (labels included)
          const answer = JSON.parse(s.conversations[1].value);
          const img = { width: s.width, height: s.height };
          if (s.task_type === 'trace') assert.deepEqual(answer, s.trace.map((p) => formatPoint(p, img, fmt)));
          else if (s.points.length) assert.deepEqual(answer, s.points.map((p) => ({ point_2d: formatPoint(p.point_2d, img, fmt), label: p.label })));
          else assert.deepEqual(answer, s.boxes.map((b) => ({ bbox_2d: formatBox(b.bbox_2d, img, fmt), label: b.label })));
          assert.ok(s.boxes.length + s.points.length + s.trace.length > 0, `${s.task_type} has a structured answer`);
          if (fi > 0) continue;
          // every expression the question uses selects exactly its object among what the camera shows
          for (const e of s.referring) {
            assert.equal(e.frame, `camera:${f.cam.name}`);
            assert.ok(s.conversations[0].value.includes(e.text), `${e.text} in "${s.conversations[0].value}"`);
            const cast = e as ReferringExpression;
            const seenHere = objects.filter((o) => o.id === e.object_id || f.seen.has(o.id));
            assert.deepEqual(verify(cast, seenHere, { kind: 'camera', cam: f.cam }), [], e.text);
          }
          if (s.task_type === 'relation' || s.task_type === 'free_point') {
            // the direction asked about: the words in front of the expression
            const x = s.referring[0];
            const dir = [...DIRECTIONS].sort((a, b) => DIRECTION_WORDS[b].length - DIRECTION_WORDS[a].length).find((d) => s.conversations[0].value.includes(`${DIRECTION_WORDS[d]} ${x.text}`))!;
            assert.ok(dir, s.conversations[0].value);
            const ref = objects.find((o) => o.id === x.object_id)!;
            if (s.task_type === 'relation') {
              // the answer boxes every seen object clearly in that direction (by label), and nothing else is a near-tie
              const verdicts = objects.filter((o) => o !== ref && f.seen.has(o.id)).map((o) => ({ o, v: inDirection(vp, o.pose.position, ref.pose.position, dir, 8) }));
              assert.ok(verdicts.every((v) => v.v !== 'unclear'), 'no near-tie');
              assert.deepEqual(s.boxes.map((b) => b.label).sort(), verdicts.filter((v) => v.v === 'yes').map((v) => v.o.name).sort(), s.conversations[0].value);
            } else {
              const top = tableTop(table);
              assert.equal(inDirection(vp, onTable(f.cam, s.points[0].point_2d, top), ref.pose.position, dir, 8), 'yes', s.conversations[0].value);
            }
          }
          if (s.task_type === 'free_point') {
            const ref = objects.find((o) => o.id === s.referring[0].object_id)!;
            const p = onTable(f.cam, s.points[0].point_2d, tableTop(table));
            assert.ok(isFreeSpot(p, table, objects, freeClearance(ref) - 1e-6), `free point ${p.map((v) => v.toFixed(3))} is clear of every object`);
            // and by the colliders themselves: an object radius (the reference's, 3 cm at least) from every footprint
            const need = Math.max(0.03, footprintRadius(ref));
            for (const o of objects) assert.ok(Math.hypot(p[0] - o.pose.position[0], p[1] - o.pose.position[1]) - footprintRadius(o) >= need - 1e-6, `${o.name} too near the free point`);
            assert.ok(s.points[0].point_2d[0] >= 0 && s.points[0].point_2d[0] < s.width && s.points[0].point_2d[1] >= 0 && s.points[0].point_2d[1] < s.height);
          }
        }
      });
    }
  }
  for (const t of ['relation', 'ref_box', 'ref_point', 'free_point', 'box', 'point']) assert.ok((counts[t] ?? 0) > 0, `${t}: ${counts[t] ?? 0} samples`);
});

test('a build with language.phrasings: test asks and instructs only in held-out wording, and its files say so', () => {
  const root = tempDir('phrasings');
  const cfg = join(root, 'eval.yaml');
  writeFileSync(cfg, [
    'episodes: 2',
    'language: { phrasings: test }',
    'stage1: { every_n_frames: 20 }',
    'cameras:',
    '  - { name: base, width: 128, height: 96, fov_y_deg: 55, position: [-0.55, 0, 0.55], target: [0.02, 0, 0.02] }',
  ].join('\n'));
  const out = join(root, 'out');
  const r = spatialgen(['build', cfg, '--out', out, '--no-progress']);
  assert.equal(r.status, 0, r.stderr);
  const banks = new Map<string, Bank>(ALL_BANKS.map((b) => [b.id, b]));
  // the phrasing's fixed words before its first slot: what the recorded template says the text starts with
  const opening = (template: string) => {
    const [id, index] = template.split('#');
    return banks.get(id)!.phrasings[Number(index)].split('{')[0];
  };
  const episodes = readArrowStream(join(out, 'episodes.arrow')).rows();
  assert.ok(episodes.length === 2 && episodes.every((e) => e.success));
  for (const e of episodes) {
    const lang = e.language as { instruction_template: string; instruction_split: string; spatial_prompt_split: string; referring: unknown[] };
    assert.equal(lang.instruction_split, 'test');
    assert.equal(lang.spatial_prompt_split, 'test');
    assert.ok(String(e.instruction).startsWith(opening(lang.instruction_template)), `${e.instruction} ← ${lang.instruction_template}`);
    assert.equal(lang.referring.length, 1);
  }
  const shards = readdirSync(join(out, 'stage1')).filter((f) => f.endsWith('.arrow'));
  const samples = shards.flatMap((f) => readArrowStream(join(out, 'stage1', f)).rows());
  assert.ok(samples.length > 10);
  for (const s of samples) {
    assert.equal(s.phrasing_split, 'test', String(s.template));
    assert.equal(phrasingSplit(Number(String(s.template).split('#')[1])), 'test');
    const q = (s.conversations as { value: string }[])[0].value;
    assert.ok(q.startsWith(`<image>\n${opening(String(s.template))}`), `${q} ← ${s.template}`);
  }
});
