// Question phrasings for synthetic stage-1 samples, one bank per task type (phrasing.ts: every fifth is held out as
// `test`). Slots: {fmt} the coordinate convention of the answer; {x} a referring expression with its article, said
// from the camera of the image ("the mug on the left"), and {it}, {its}, {is} its pronoun, possessive and verb
// ("them", "their", "are" for "the scissors"); {rel} a direction's words ("to the left of", "behind");
// {instruction} the episode's instruction, always quoted (it is a whole sentence of its own).
import type { Rng } from '../../core/random.js';
import { type Bank, type Phrased, type PhrasingChoice, phrase } from './phrasing.js';

const bank = (id: string, phrasings: string[]): Bank => ({ id, phrasings });

export const QUESTIONS = {
  object_list: bank('object_list', [
    'List every object on the table with its bounding box, in {fmt}.',
    'Detect all objects in the image. Give each one\'s bounding box in {fmt}.',
    'What objects can you see? Answer with a label and a bounding box for each, in {fmt}.',
    'Output the bounding box and name of every object on the table, in {fmt}.',
    'Find all the items in this picture and box each of them, in {fmt}.',
  ]),
  box: bank('box', [
    'Where {is} {x}? Give {its} bounding box in {fmt}.',
    'Locate {x} and output {its} bounding box in {fmt}.',
    'Find {x} in the image. Answer with a bounding box in {fmt}.',
    'Draw a bounding box around {x}, in {fmt}.',
    'Which region of the image shows {x}? Give a bounding box in {fmt}.',
  ]),
  point: bank('point', [
    'Point to {x}, in {fmt}.',
    'Give a point on {x} in {fmt}.',
    'Where {is} {x}? Answer with one point in {fmt}.',
    'Mark {x} with a single point, in {fmt}.',
    'Show me where {x} {is} with one point in {fmt}.',
  ]),
  relation: bank('relation', [
    'What is {rel} {x}? Give the bounding box of each object there, in {fmt}.',
    'Find every object {rel} {x} and output their bounding boxes in {fmt}.',
    'Which objects are {rel} {x}, as seen in this image? Answer with bounding boxes in {fmt}.',
    'List the objects {rel} {x} with their bounding boxes, in {fmt}.',
    'Looking at the picture, what lies {rel} {x}? Give bounding boxes in {fmt}.',
  ]),
  ref_box: bank('ref_box', [
    'Give the bounding box of {x}, in {fmt}.',
    'Locate {x}. Answer with {its} bounding box in {fmt}.',
    'There are several similar objects. Output the bounding box of {x} in {fmt}.',
    'Find {x} and box {it}, in {fmt}.',
    'Which object {is} {x}? Answer with {its} bounding box in {fmt}.',
  ]),
  ref_point: bank('ref_point', [
    'Point to {x}, in {fmt}.',
    'Give one point on {x} in {fmt}.',
    'There are several similar objects. Point to {x}, in {fmt}.',
    'Mark {x} with a point in {fmt}.',
    'Where exactly {is} {x}? Answer with one point in {fmt}.',
  ]),
  free_point: bank('free_point', [
    'Point to an empty spot on the table {rel} {x}, in {fmt}.',
    'Where is there free space {rel} {x}? Answer with one point on the table in {fmt}.',
    'Find a clear place on the table {rel} {x} where an object could be put down. Give one point in {fmt}.',
    'Mark a free point {rel} {x}, in {fmt}.',
    'Show an unoccupied spot {rel} {x} with one point in {fmt}.',
  ]),
  task_boxes: bank('task_boxes', [
    'The robot is told: "{instruction}" Give the bounding boxes of the objects involved, in {fmt}.',
    'Instruction: "{instruction}" Locate the objects this task needs, as bounding boxes in {fmt}.',
    'Which objects does the instruction "{instruction}" refer to? Answer with bounding boxes in {fmt}.',
    'For the command "{instruction}", box every object the robot must deal with, in {fmt}.',
    'Given "{instruction}", find the objects it is about. Give bounding boxes in {fmt}.',
  ]),
  grasp_point: bank('grasp_point', [
    'The robot is told: "{instruction}" Where should it grasp {x}? Answer with one point in {fmt}.',
    'Instruction: "{instruction}" Point to where the gripper should close on {x}, in {fmt}.',
    'To carry out "{instruction}", where should the gripper hold {x}? Give one point in {fmt}.',
    'For the command "{instruction}", mark the grasp point on {x}, in {fmt}.',
    'Given "{instruction}", which point of {x} should the fingers grip? Answer in {fmt}.',
  ]),
  place_point: bank('place_point', [
    'The robot is told: "{instruction}" Where should it place {x}? Answer with one point in {fmt}.',
    'Instruction: "{instruction}" Point to where {x} should be put down, in {fmt}.',
    'To carry out "{instruction}", where should {x} end up? Give one point in {fmt}.',
    'For the command "{instruction}", mark the place point for {x}, in {fmt}.',
    'Given "{instruction}", where should the gripper let go of {x}? Answer with one point in {fmt}.',
  ]),
  trace: bank('trace', [
    'The robot is told: "{instruction}" Where will its end effector move next? Give the trace as a list of points in {fmt}.',
    'Instruction: "{instruction}" Predict the path of the end effector from now until its next gripper change, as points in {fmt}.',
    'To carry out "{instruction}", which path will the gripper follow from here? Answer with a list of points in {fmt}.',
    'For the command "{instruction}", draw the coming trajectory of the robot\'s tool tip as points in {fmt}.',
    'Given "{instruction}", trace the end effector\'s next movement as a list of points, in {fmt}.',
  ]),
} as const satisfies Record<string, Bank>;

export type TemplateTask = keyof typeof QUESTIONS;

/** One question of the task type, `<image>` first (SPEC: `<image>` in the first human turn). */
export function question(task: TemplateTask, choice: PhrasingChoice, rng: Rng, slots: Readonly<Record<string, string>>): Phrased {
  const q = phrase(QUESTIONS[task], choice, rng, slots);
  return { ...q, text: `<image>\n${q.text}` };
}
