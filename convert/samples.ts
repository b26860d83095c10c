// Derived traces and points → stage-1 rows: the frame's image, a question in one of several phrasings (seeded per
// sample, so the same input always gives the same text), the answer text in the chosen coord_format, and the
// structured answer in float pixels of the stored image.
import { deriveSeed, Rng } from '../core/random.js';
import { pointsAnswer, traceAnswer } from '../generators/language/coords.js';
import { type CoordFormat, coordFormatName } from '../schemas/coord-format.js';
import { GRASP_LABEL, PLACE_LABEL, graspPointQuestion, placePointQuestion, traceQuestion } from '../generators/language/convert-questions.js';
import type { Stage1Sample, TaskType } from '../schemas/records.js';
import type { PhrasingChoice } from '../generators/language/phrasing.js';
import type { Phrased } from '../generators/language/phrasing.js';
import type { Derived } from './derive.js';
import type { DemoEpisode, EncodedImage } from './episode.js';

export interface SampleContext {
  /** the source dataset's name (the samples' `source`) */
  source: string;
  episodeId: string;
  coordFormat: CoordFormat;
  seed: number;
  /** which phrasings the questions may use */
  phrasings: PhrasingChoice;
}

const pad = (n: number) => String(n).padStart(6, '0');

/** The encoded images of the frames each camera needs, read once per camera. */
async function images(ep: DemoEpisode, need: Map<string, Set<number>>): Promise<Map<string, Map<number, EncodedImage>>> {
  const out = new Map<string, Map<number, EncodedImage>>();
  for (const cam of ep.cameras) {
    const frames = [...(need.get(cam.key) ?? [])].sort((a, b) => a - b);
    if (frames.length === 0) continue;
    const got = await cam.frames(frames);
    out.set(cam.key, new Map(frames.map((f, i) => [f, got[i]])));
  }
  return out;
}

export async function buildSamples(ep: DemoEpisode, derived: Derived, ctx: SampleContext): Promise<Stage1Sample[]> {
  const need = new Map<string, Set<number>>();
  const want = (camera: string, frame: number) => {
    if (!need.has(camera)) need.set(camera, new Set());
    need.get(camera)!.add(frame);
  };
  for (const t of derived.traces) want(t.camera, t.frame);
  for (const p of derived.points) want(p.camera, p.frame);
  const imgs = await images(ep, need);
  const cams = new Map(ep.cameras.map((c) => [c.key, c]));
  const fmt = coordFormatName(ctx.coordFormat);
  const q = { instruction: ep.instruction, coordFormat: ctx.coordFormat, phrasings: ctx.phrasings };

  const rows: { order: [number, string, number, number]; sample: Stage1Sample }[] = [];
  const make = (taskType: TaskType, frame: number, camera: string, tag: string, question: (rng: Rng) => Phrased, answer: string,
    structured: Pick<Stage1Sample, 'points' | 'trace'>, order: number, eventFrame: number) => {
    const cam = cams.get(camera)!;
    const img = imgs.get(camera)!.get(frame)!;
    const rng = new Rng(deriveSeed(ctx.seed, ctx.source, ctx.episodeId, frame, camera, tag));
    const ext = img.format === 'jpeg' ? 'jpg' : img.format;
    const asked = question(rng);
    rows.push({
      order: [frame, camera, order, eventFrame],
      sample: {
        id: `${ctx.source}/${ctx.episodeId}/${pad(frame)}/${camera}/${tag}`,
        source: ctx.source,
        episode_id: ctx.episodeId,
        frame_index: frame,
        camera,
        image: { bytes: img.bytes, path: `${ctx.episodeId}/${camera}/frame_${pad(frame)}.${ext}` },
        width: cam.width,
        height: cam.height,
        task_type: taskType,
        conversations: [{ from: 'human', value: asked.text }, { from: 'gpt', value: answer }],
        coord_format: fmt,
        boxes: [],
        ...structured,
        template: asked.template,
        phrasing_split: asked.split,
        referring: [],
      },
    });
  };

  for (const t of derived.traces) {
    const size = cams.get(t.camera)!;
    make('trace', t.frame, t.camera, 'trace', (rng) => traceQuestion(rng, q, t.trace.length), traceAnswer(t.trace, size, ctx.coordFormat),
      { points: [], trace: t.trace }, 0, t.frame);
  }
  for (const p of derived.points) {
    const size = cams.get(p.camera)!;
    const label = p.kind === 'grasp_point' ? GRASP_LABEL : PLACE_LABEL;
    const points = [{ label, point_2d: p.point }];
    make(p.kind, p.frame, p.camera, `${p.kind}@${pad(p.eventFrame)}`,
      (rng) => (p.kind === 'grasp_point' ? graspPointQuestion(rng, q) : placePointQuestion(rng, q)),
      pointsAnswer(points, size, ctx.coordFormat), { points, trace: [] }, p.kind === 'grasp_point' ? 1 : 2, p.eventFrame);
  }
  // one stable order: frame, camera, task (trace, grasp, place), event
  rows.sort((a, b) => a.order[0] - b.order[0] || (a.order[1] < b.order[1] ? -1 : a.order[1] > b.order[1] ? 1 : 0) || a.order[2] - b.order[2] || a.order[3] - b.order[3]);
  return rows.map((r) => r.sample);
}
