// Language diversity over a language-only dry run: scene sampling and task choice as a build draws them, no physics
// and no rendering. Each episode gets its instruction and spatial prompt (robot viewpoint) and the stage-1 questions
// of one view of its first camera, asked by the product's grounding code over a coarse id raster (each object's
// projected 3D box painted far to near, the table behind): what is asked and how, not where the pixels fall.
// Reports distinct sentences per 1,000 episodes, twins, the referring-expression length histogram, and the time the
// words add per episode against the scene sampling they follow, measured in the same run.
//   node --import tsx bench/language.ts [EPISODES] [--phrasings train|test|all]
import { cpus } from 'node:os';
import { presetConfig } from '../schemas/presets.js';
import { parseBuildConfig } from '../schemas/config.js';
import { Rng, deriveSeed } from '../core/random.js';
import { type CameraModel, cameraModel, projectWithDepth } from '../core/camera.js';
import { boxCorners } from '../core/math.js';
import { type Scene, type SceneObject, TABLE_ID, shapeHalfExtents } from '../core/scene.js';
import { sampleScene } from '../generators/scene/sample.js';
import { tableRegions, taskCandidates } from '../generators/demos/pick-place-tasks.js';
import { nameableFromRobot, referableObjects, taskSentences } from '../generators/language/task-language.js';
import { groundingSamples } from '../generators/annotation/grounding.js';
import { idRegions, objectBoxes } from '../generators/annotation/boxes.js';
import { parseCoordFormat } from '../schemas/coord-format.js';
import type { Stage1Sample } from '../schemas/records.js';
import { writeBenchSection } from './report.js';

const args = process.argv.slice(2);
const episodes = Number(args.find((a) => /^\d+$/.test(a)) ?? 1000);
const phrasings = (args.includes('--phrasings') ? args[args.indexOf('--phrasings') + 1] : 'train') as 'train' | 'test' | 'all';
const demo = presetConfig('demo');
const config = parseBuildConfig({ ...structuredClone(demo), language: { phrasings } }, 'bench');

/** A coarse id buffer: every annotated object's projected 3D box filled, far ones first; the table everywhere else. */
function raster(cam: CameraModel, objects: readonly SceneObject[]): Uint32Array {
  const ids = new Uint32Array(cam.width * cam.height).fill(TABLE_ID);
  const boxes = objects.map((o) => {
    const pts = boxCorners(o.pose, shapeHalfExtents(o.shape).map((h) => 2 * h) as [number, number, number]).map((p) => projectWithDepth(cam, p));
    return { id: o.id, depth: Math.min(...pts.map((p) => p[2])), x0: Math.min(...pts.map((p) => p[0])), x1: Math.max(...pts.map((p) => p[0])), y0: Math.min(...pts.map((p) => p[1])), y1: Math.max(...pts.map((p) => p[1])) };
  }).filter((b) => b.depth > 0).sort((a, b) => b.depth - a.depth);
  for (const b of boxes) {
    for (let y = Math.max(0, Math.floor(b.y0)); y < Math.min(cam.height, Math.ceil(b.y1)); y++) {
      for (let x = Math.max(0, Math.floor(b.x0)); x < Math.min(cam.width, Math.ceil(b.x1)); x++) ids[y * cam.width + x] = b.id;
    }
  }
  return ids;
}

/** The episode's task as a build's chooser would name it, without reachability: the first nameable candidate. */
function words(scene: Scene, rng: Rng) {
  const base = scene.robotBase!;
  const named = nameableFromRobot(scene, base);
  for (const primitive of rng.shuffle([...config.task.primitives])) {
    const c = taskCandidates(scene, primitive, rng, () => true).find(({ x, y }) => named(x) && (!y || named(y)));
    if (!c) continue;
    const region = primitive === 'push_to' ? rng.pick(tableRegions(config.scene.area)).name : undefined;
    return taskSentences(scene, base, { task: primitive, x: c.x, ...(c.y ? { y: c.y } : {}), ...(region ? { region } : {}) }, phrasings, rng.fork('language'));
  }
  return null;
}

const instructions = new Set<string>(), prompts = new Set<string>(), questions = new Set<string>();
const templates = new Set<string>();
const byType: Record<string, number> = {};
const lengths = { instruction: new Map<number, number>(), question: new Map<number, number>() };
let twinsCategory = 0, twinsColour = 0, noTask = 0, sceneMs = 0, languageMs = 0;
const fmt = parseCoordFormat(config.stage1.coord_format);
const count = (m: Map<number, number>, text: string) => {
  const n = text.split(' ').length;
  m.set(n, (m.get(n) ?? 0) + 1);
};

for (let i = 0; i < episodes; i++) {
  const seed = deriveSeed(config.seed, 'bench-language', i);
  const t0 = performance.now();
  const scene = sampleScene(config, new Rng(seed));
  const t1 = performance.now();
  const objects = referableObjects(scene.objects);
  if (objects.some((o) => objects.some((p) => p !== o && p.category === o.category))) twinsCategory++;
  if (objects.some((o) => objects.some((p) => p !== o && p.category === o.category && p.material.colorName === o.material.colorName))) twinsColour++;
  const text = words(scene, new Rng(seed).fork('task'));
  let samples: Stage1Sample[] = [];
  const cam = cameraModel(scene.cameras[0]);
  const ids = raster(cam, objects);
  const regions = idRegions(ids, cam.width, cam.height);
  samples = groundingSamples({
    episodeId: `e${i}`, frameIndex: 0, camera: cam, image: { bytes: new Uint8Array(0), path: null }, ids,
    visiblePixels: new Map([...regions].map(([id, r]) => [id, r.pixels])), boxes: objectBoxes(cam, objects, regions), objects: scene.objects,
    instruction: text?.instruction ?? '', targetIds: text ? text.language.referring.map((e) => e.object_id) : [], trace3d: [], trace2d: [], graspPoint: null, placePoint: null,
  }, new Rng(seed).fork('stage1'), { coordFormat: fmt, minVisiblePixels: config.stage1.min_visible_pixels, phrasings });
  const t2 = performance.now();
  sceneMs += t1 - t0;
  languageMs += t2 - t1;
  if (!text) noTask++;
  else {
    instructions.add(text.instruction);
    prompts.add(text.spatialPrompt);
    templates.add(text.language.instruction_template);
    for (const e of text.language.referring) count(lengths.instruction, e.text);
  }
  for (const s of samples) {
    questions.add(s.conversations[0].value);
    templates.add(s.template);
    byType[s.task_type] = (byType[s.task_type] ?? 0) + 1;
    for (const e of s.referring) count(lengths.question, e.text);
  }
}

const per1000 = (n: number) => Math.round((n * 1000) / episodes);
const hist = (m: Map<number, number>) => {
  const total = [...m.values()].reduce((a, b) => a + b, 0);
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([n, c]) => `${n}: ${(100 * c / total).toFixed(1)} %`).join(', ');
};
const body = `
\`node --import tsx bench/language.ts ${episodes}${phrasings !== 'train' ? ` --phrasings ${phrasings}` : ''}\` on ${cpus()[0].model.trim()} (${cpus().length} cores): ${episodes}
episodes of the \`demo\` preset (phrasings \`${phrasings}\`), scene sampling and task choice as a build draws them, no physics,
no rendering; stage-1 questions of one view of the first camera over a coarse id raster (each object's projected box).

| measure | per 1,000 episodes |
|---|---|
| distinct instructions | ${per1000(instructions.size)} |
| distinct spatial prompts | ${per1000(prompts.size)} |
| distinct stage-1 questions | ${per1000(questions.size)} (of ${per1000(Object.values(byType).reduce((a, b) => a + b, 0))} asked) |
| phrasing templates used | ${templates.size} (bank#index, all banks) |
| scenes with same-category twins | ${per1000(twinsCategory)} |
| scenes with same-category, same-colour twins | ${per1000(twinsColour)} |
| episodes with no nameable task | ${per1000(noTask)} |

Stage-1 questions by type: ${Object.entries(byType).map(([k, v]) => `${k} ${per1000(v)}`).join(', ')}.

Referring-expression length (words, article included): instructions (robot viewpoint) ${hist(lengths.instruction)};
stage-1 questions (camera viewpoint) ${hist(lengths.question)}.

Time: the words (task sentences, expressions, one view's questions) take ${(languageMs / episodes).toFixed(2)} ms per episode,
**${(languageMs / sceneMs).toFixed(2)}×** the scene sampling they follow (${(sceneMs / episodes).toFixed(2)} ms, the bound measured in this run).
`;
process.stdout.write(body);
if (phrasings === 'train') writeBenchSection('Language', body);
