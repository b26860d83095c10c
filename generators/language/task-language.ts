// An episode's words: the instruction and spatial prompt for its task, with every object they name described by
// its shortest unambiguous referring expression from the robot's viewpoint (robot base frame, at the start of the
// episode), and the record of which phrasing made each (episodes.arrow `language`).
import type { Rng } from '../../core/random.js';
import type { Pose } from '../../core/math.js';
import type { Scene, SceneObject } from '../../core/scene.js';
import { INSTRUCTIONS, SPATIAL_PROMPTS, type SentenceTask } from './instructions.js';
import { type PhrasingChoice, phrase } from './phrasing.js';
import { agreement, describe } from './refer.js';
import type { EpisodeLanguage } from '../../schemas/records.js';
import { robotViewpoint } from './viewpoint.js';

export interface TaskSentences {
  instruction: string;
  spatialPrompt: string;
  language: EpisodeLanguage;
}

/** What a sentence may name or use as a landmark: the annotated objects on the table (not the robot, table or rod). */
export function referableObjects(objects: readonly SceneObject[]): SceneObject[] {
  return objects.filter((o) => o.annotated && !['robot', 'table', 'pusher'].includes(o.category));
}

/** Whether the object has an unambiguous expression from the robot at `base` (the task chooser's filter). */
export function nameableFromRobot(scene: Pick<Scene, 'objects'>, base: Pose): (o: SceneObject) => boolean {
  const vp = robotViewpoint(base);
  const objects = referableObjects(scene.objects);
  // with the category noun: what a drawn synonym falls back to, so this is exactly "describe finds a form"
  return (o) => describe(o, objects, vp) !== null;
}

export interface TaskWords {
  task: SentenceTask;
  x: SceneObject;
  y?: SceneObject;
  /** push_to: the region's words ("the left side of the table") */
  region?: string;
  /** push: the direction's words ("to the left") */
  dir?: string;
}

/**
 * The sentences for a task, or null when an object it names has no unambiguous expression (the chooser avoids such
 * tasks; the rod's push, which draws its target freely, checks this first).
 */
export function taskSentences(scene: Pick<Scene, 'objects'>, base: Pose, w: TaskWords, choice: PhrasingChoice, rng: Rng): TaskSentences | null {
  const vp = robotViewpoint(base);
  const objects = referableObjects(scene.objects);
  const ex = describe(w.x, objects, vp, rng.fork('x'));
  const ey = w.y ? describe(w.y, objects, vp, rng.fork('y')) : null;
  if (!ex || (w.y && !ey)) return null;
  const slots: Record<string, string> = { x: ex.text, ...agreement(ex) };
  if (ey) slots.y = ey.text;
  if (w.region) slots.region = w.region;
  if (w.dir) slots.dir = w.dir;
  const instruction = phrase(INSTRUCTIONS[w.task], choice, rng.fork('instruction'), slots);
  const prompt = phrase(SPATIAL_PROMPTS[w.task], choice, rng.fork('prompt'), slots);
  return {
    instruction: instruction.text,
    spatialPrompt: prompt.text,
    language: {
      instruction_template: instruction.template, instruction_split: instruction.split,
      spatial_prompt_template: prompt.template, spatial_prompt_split: prompt.split,
      referring: ey ? [ex, ey] : [ex],
    },
  };
}
