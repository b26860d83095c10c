// Template banks and the held-out phrasing split. Every sentence the pipeline writes (an instruction, a spatial prompt,
// a stage-1 question) is one phrasing of a named bank, filled with noun phrases. Each bank is cut into train and test
// phrasings by one fixed rule, so that an evaluation build can ask in words a model never saw in training:
//
//   the 5th, 10th, 15th … phrasing of every bank (index % 5 === 4) is `test`; the rest are `train`.
//
// Appending phrasings to a bank never moves an existing one across the split. A build's `language.phrasings` says
// which an episode may use; the template id (`bank#index`) and its split are recorded beside every sentence.
import type { Rng } from '../../core/random.js';
import type { PHRASING_CHOICES } from '../../schemas/config.js';

export type PhrasingSplit = 'train' | 'test';
/** what a build may draw from: one split of every bank, or both */
export type PhrasingChoice = (typeof PHRASING_CHOICES)[number];

/** A named list of phrasings; `{slot}` marks where a value goes. */
export interface Bank {
  id: string;
  phrasings: readonly string[];
}

/** The sentence made and which phrasing made it: `template` is `bank#index`. */
export interface Phrased {
  text: string;
  template: string;
  split: PhrasingSplit;
}

export function phrasingSplit(index: number): PhrasingSplit {
  return index % 5 === 4 ? 'test' : 'train';
}

/** The indices of a bank a build may draw from. */
export function allowedPhrasings(bank: Bank, choice: PhrasingChoice): number[] {
  return bank.phrasings.map((_, i) => i).filter((i) => choice === 'all' || phrasingSplit(i) === choice);
}

/**
 * One phrasing of the bank, drawn from the allowed split, with its slots filled. A slot without a value is an error
 * (a template bug, never a user's): a sentence with "{x}" in it must not reach a dataset.
 */
export function phrase(bank: Bank, choice: PhrasingChoice, rng: Rng, slots: Readonly<Record<string, string>>): Phrased {
  const allowed = allowedPhrasings(bank, choice);
  if (allowed.length === 0) throw new Error(`phrasing bank ${bank.id} has no ${choice} phrasing`);
  const index = rng.pick(allowed);
  return { text: fill(bank.phrasings[index], slots, bank.id), template: `${bank.id}#${index}`, split: phrasingSplit(index) };
}

export function fill(template: string, slots: Readonly<Record<string, string>>, where = 'template'): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = slots[k];
    if (v === undefined) throw new Error(`${where}: no value for {${k}} in "${template}"`);
    return v;
  });
}
