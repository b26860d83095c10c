// Question phrasings for the stage-1 tasks that recorded demos can answer: `trace`, `grasp_point`, `place_point`.
// Several phrasings per task, picked by the caller's seeded stream, so a model learns the task and not one sentence.
// The instruction (when the source has one) is part of the question: the answer depends on what the robot was told.
// Every question starts with `<image>` on its own line (SPEC: `<image>` in the first human turn).
import type { Rng } from '../../core/random.js';
import { describeCoordFormat } from './coords.js';
import type { CoordFormat } from '../../schemas/coord-format.js';

export interface QuestionContext {
  /** the episode's instruction / task string; null or empty when the source has none */
  instruction: string | null;
  coordFormat: CoordFormat;
}

/** Fills `{task}`, `{n}`, `{coords}` of a template. */
function fill(template: string, ctx: QuestionContext, n: number): string {
  const task = (ctx.instruction ?? '').trim().replace(/[.!?\s]+$/, '');
  return template.replaceAll('{task}', task).replaceAll('{n}', String(n)).replaceAll('{coords}', describeCoordFormat(ctx.coordFormat));
}

function ask(rng: Rng, withTask: readonly string[], withoutTask: readonly string[], ctx: QuestionContext, n = 1): string {
  const hasTask = (ctx.instruction ?? '').trim().length > 0;
  return `<image>\n${fill(rng.pick(hasTask ? withTask : withoutTask), ctx, n)}`;
}

const TRACE_WITH_TASK = [
  'The robot is asked to "{task}". Predict the future trajectory of its end effector as a list of {n} [x, y] points in {coords}.',
  'Task: {task}. Where will the gripper move next? Answer with {n} [x, y] points in {coords}.',
  'To {task}, what path will the end effector follow from here? Give {n} points as a JSON list of [x, y] in {coords}.',
  'Instruction: {task}\nDraw the visual trace of the robot\'s tool tip until its gripper next opens or closes, as {n} [x, y] points in {coords}.',
];
const TRACE_WITHOUT_TASK = [
  'Predict the future trajectory of the robot\'s end effector as a list of {n} [x, y] points in {coords}.',
  'Where will the robot\'s gripper move next? Answer with {n} [x, y] points in {coords}.',
  'What path will the end effector follow from here? Give {n} points as a JSON list of [x, y] in {coords}.',
];

const GRASP_WITH_TASK = [
  'The robot is asked to "{task}". Point to where its gripper should grasp. Answer with a point_2d in {coords}.',
  'Task: {task}. Where should the robot grasp? Give the point as JSON with "point_2d" in {coords}.',
  'To {task}, which point should the gripper close on? Answer as [{"point_2d": [x, y], "label": "grasp point"}] in {coords}.',
];
const GRASP_WITHOUT_TASK = [
  'Point to where the robot\'s gripper will grasp. Answer with a point_2d in {coords}.',
  'Where will the robot close its gripper? Give the point as JSON with "point_2d" in {coords}.',
];

const PLACE_WITH_TASK = [
  'The robot is asked to "{task}". Point to where it should place the object it holds. Answer with a point_2d in {coords}.',
  'Task: {task}. Where should the held object be released? Give the point as JSON with "point_2d" in {coords}.',
  'To {task}, where should the gripper open? Answer as [{"point_2d": [x, y], "label": "place point"}] in {coords}.',
];
const PLACE_WITHOUT_TASK = [
  'Point to where the robot will place the object it holds. Answer with a point_2d in {coords}.',
  'Where will the robot open its gripper to release the object? Give the point as JSON with "point_2d" in {coords}.',
];

export function traceQuestion(rng: Rng, ctx: QuestionContext, points: number): string {
  return ask(rng, TRACE_WITH_TASK, TRACE_WITHOUT_TASK, ctx, points);
}

export function graspPointQuestion(rng: Rng, ctx: QuestionContext): string {
  return ask(rng, GRASP_WITH_TASK, GRASP_WITHOUT_TASK, ctx);
}

export function placePointQuestion(rng: Rng, ctx: QuestionContext): string {
  return ask(rng, PLACE_WITH_TASK, PLACE_WITHOUT_TASK, ctx);
}

export const GRASP_LABEL = 'grasp point';
export const PLACE_LABEL = 'place point';
