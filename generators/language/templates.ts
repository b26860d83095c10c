// Question phrasings for synthetic stage-1 samples. Several per task, chosen by the scene's seeded stream, so a
// model learns the task and not one sentence. `{fmt}` names the coordinate convention of the answer.
import type { Rng } from '../../core/random.js';

const T = {
  object_list: [
    'List every object on the table with its bounding box, in {fmt}.',
    'Detect all objects in the image. Give each one\'s bounding box in {fmt}.',
    'What objects can you see? Answer with a label and a bounding box for each, in {fmt}.',
  ],
  box: [
    'Where is the {name}? Give its bounding box in {fmt}.',
    'Locate the {name} and output its bounding box in {fmt}.',
    'Find the {name} in the image. Answer with a bounding box in {fmt}.',
  ],
  point: [
    'Point to the {name}, in {fmt}.',
    'Give a point on the {name} in {fmt}.',
    'Where is the {name}? Answer with one point in {fmt}.',
  ],
  relation: [
    'Which object is closest to the {name}? Give its bounding box in {fmt}.',
    'Find the object nearest to the {name} and output its bounding box in {fmt}.',
  ],
  task_boxes: [
    'The robot must {instruction}. Give the bounding boxes of the objects involved, in {fmt}.',
    'Task: {instruction}. Locate the objects this task needs, as bounding boxes in {fmt}.',
  ],
  grasp_point: [
    'The robot must {instruction}. Where should it grasp the {name}? Answer with one point in {fmt}.',
    'Task: {instruction}. Point to where the gripper should close on the {name}, in {fmt}.',
  ],
  place_point: [
    'The robot must {instruction}. Where should it place the {name}? Answer with one point in {fmt}.',
    'Task: {instruction}. Point to where the {name} should be put down, in {fmt}.',
  ],
  trace: [
    'The robot must {instruction}. Where will its end effector move next? Give the trace as a list of points in {fmt}.',
    'Task: {instruction}. Predict the path of the end effector from now until its next gripper change, as points in {fmt}.',
  ],
} as const;

export type TemplateTask = keyof typeof T;

export function question(task: TemplateTask, rng: Rng, vars: Record<string, string>): string {
  return `<image>\n${rng.pick(T[task]).replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`)}`;
}
