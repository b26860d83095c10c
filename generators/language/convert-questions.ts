// Question phrasings for the stage-1 tasks that recorded demos can answer: `trace`, `grasp_point`, `place_point`,
// one bank per task and per whether the source has an instruction (phrasing.ts: every fifth is held out as `test`).
// The instruction (when the source has one) is part of the question: the answer depends on what the robot was told.
// Every question starts with `<image>` on its own line (SPEC: `<image>` in the first human turn).
import type { Rng } from '../../core/random.js';
import { describeCoordFormat } from './coords.js';
import type { CoordFormat } from '../../schemas/coord-format.js';
import { type Bank, type Phrased, type PhrasingChoice, phrase } from './phrasing.js';

export interface QuestionContext {
  /** the episode's instruction / task string; null or empty when the source has none */
  instruction: string | null;
  coordFormat: CoordFormat;
  /** which phrasings a question may use (default: train) */
  phrasings?: PhrasingChoice;
}

const bank = (id: string, phrasings: string[]): Bank => ({ id, phrasings });

const TRACE_WITH_TASK = bank('convert.trace', [
  'The robot is asked to "{task}". Predict the future trajectory of its end effector as a list of {n} [x, y] points in {coords}.',
  'Task: {task}. Where will the gripper move next? Answer with {n} [x, y] points in {coords}.',
  'To {task}, what path will the end effector follow from here? Give {n} points as a JSON list of [x, y] in {coords}.',
  'Instruction: {task}\nDraw the visual trace of the robot\'s tool tip until its gripper next opens or closes, as {n} [x, y] points in {coords}.',
  'Given the task "{task}", sketch where the end effector goes next as {n} [x, y] points in {coords}.',
]);
const TRACE_WITHOUT_TASK = bank('convert.trace.no_task', [
  'Predict the future trajectory of the robot\'s end effector as a list of {n} [x, y] points in {coords}.',
  'Where will the robot\'s gripper move next? Answer with {n} [x, y] points in {coords}.',
  'What path will the end effector follow from here? Give {n} points as a JSON list of [x, y] in {coords}.',
  'Draw the coming path of the robot\'s tool tip as {n} [x, y] points in {coords}.',
  'Trace the end effector\'s next movement with {n} [x, y] points in {coords}.',
]);

const GRASP_WITH_TASK = bank('convert.grasp_point', [
  'The robot is asked to "{task}". Point to where its gripper should grasp. Answer with a point_2d in {coords}.',
  'Task: {task}. Where should the robot grasp? Give the point as JSON with "point_2d" in {coords}.',
  'To {task}, which point should the gripper close on? Answer as [{"point_2d": [x, y], "label": "grasp point"}] in {coords}.',
  'Instruction: {task}\nMark the spot the fingers should close on, as a point_2d in {coords}.',
  'Given the task "{task}", where will the gripper take hold? Answer with a point_2d in {coords}.',
]);
const GRASP_WITHOUT_TASK = bank('convert.grasp_point.no_task', [
  'Point to where the robot\'s gripper will grasp. Answer with a point_2d in {coords}.',
  'Where will the robot close its gripper? Give the point as JSON with "point_2d" in {coords}.',
  'Which point will the gripper grasp next? Answer as [{"point_2d": [x, y], "label": "grasp point"}] in {coords}.',
  'Mark where the fingers will close, as a point_2d in {coords}.',
  'Show the grasp point of the robot\'s next pick with a point_2d in {coords}.',
]);

const PLACE_WITH_TASK = bank('convert.place_point', [
  'The robot is asked to "{task}". Point to where it should place the object it holds. Answer with a point_2d in {coords}.',
  'Task: {task}. Where should the held object be released? Give the point as JSON with "point_2d" in {coords}.',
  'To {task}, where should the gripper open? Answer as [{"point_2d": [x, y], "label": "place point"}] in {coords}.',
  'Instruction: {task}\nMark where the held object should be put down, as a point_2d in {coords}.',
  'Given the task "{task}", where will the gripper let go? Answer with a point_2d in {coords}.',
]);
const PLACE_WITHOUT_TASK = bank('convert.place_point.no_task', [
  'Point to where the robot will place the object it holds. Answer with a point_2d in {coords}.',
  'Where will the robot open its gripper to release the object? Give the point as JSON with "point_2d" in {coords}.',
  'Which point will the held object be put down at? Answer as [{"point_2d": [x, y], "label": "place point"}] in {coords}.',
  'Mark where the gripper will let go, as a point_2d in {coords}.',
  'Show the place point of the robot\'s next release with a point_2d in {coords}.',
]);

function ask(rng: Rng, withTask: Bank, withoutTask: Bank, ctx: QuestionContext, n = 1): Phrased {
  const task = (ctx.instruction ?? '').trim().replace(/[.!?\s]+$/, '');
  const q = phrase(task ? withTask : withoutTask, ctx.phrasings ?? 'train', rng, { task, n: String(n), coords: describeCoordFormat(ctx.coordFormat) });
  return { ...q, text: `<image>\n${q.text}` };
}

export function traceQuestion(rng: Rng, ctx: QuestionContext, points: number): Phrased {
  return ask(rng, TRACE_WITH_TASK, TRACE_WITHOUT_TASK, ctx, points);
}

export function graspPointQuestion(rng: Rng, ctx: QuestionContext): Phrased {
  return ask(rng, GRASP_WITH_TASK, GRASP_WITHOUT_TASK, ctx);
}

export function placePointQuestion(rng: Rng, ctx: QuestionContext): Phrased {
  return ask(rng, PLACE_WITH_TASK, PLACE_WITHOUT_TASK, ctx);
}

export const GRASP_LABEL = 'grasp point';
export const PLACE_LABEL = 'place point';
