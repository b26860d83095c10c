// Referring expressions: the shortest description that picks out exactly one object of a scene, from a viewpoint.
//
// An expression names a head noun (the object's category or one of its synonyms) and adds, only as far as needed,
// in this order: colour → size ("the bigger bowl") → position ("the leftmost mug", "the can nearest the robot") →
// relation to another object ("the mug to the left of the plate"). At each step the form without colour is tried
// before the one with it, so the first form that selects exactly the object is the shortest the ladder knows.
// `resolve` is the one definition of what an expression means: the generator keeps a form only when `resolve` gives
// back exactly its object, and a test re-evaluates stored expressions with it against the scene.
//
// The structured form is stored beside the text (episodes.arrow `language.referring`, stage-1 `referring`).
import type { Rng } from '../../core/random.js';
import { type SceneObject, shapeHalfExtents } from '../../core/scene.js';
import type { Vec3 } from '../../core/math.js';
import type { ReferringRecord } from '../../schemas/records.js';
import { DIRECTION_WORDS, type Direction, EXTREMES, type Extreme, MAIN_DIRECTIONS, type Viewpoint, extremeOf, inDirection } from './viewpoint.js';

export type SizeWord = 'bigger' | 'smaller';

/** The structured form (schemas/records.ts ReferringRecord), its claims typed. */
export interface ReferringExpression extends ReferringRecord {
  /** the biggest (`bigger`) or smallest of the candidates */
  size: SizeWord | null;
  position: Extreme | null;
  relation: Direction | null;
}

/** an object counts as bigger than another when its size measure is this many times the other's */
export const SIZE_RATIO = 1.25;

/** Synonyms in asset metadata that are search terms rather than names a person says. */
const NOT_NAMES = new Set(['pome', 'root', 'novel', 'sphere', 'pyramid', 'puck', 'brinjal', 'plantain']);
/** Head nouns that take "them": "pick up the scissors and put them …". */
const PLURAL = new Set(['scissors', 'pliers', 'tongs', 'glasses', 'headphones', 'grapes', 'chopsticks', 'tweezers', 'keys']);

/** The words an object may be called by: its category first, then its speakable synonyms. */
export function nounsOf(o: Pick<SceneObject, 'category' | 'synonyms'>): string[] {
  return [...new Set([o.category, ...o.synonyms.filter((s) => !NOT_NAMES.has(s))])];
}

export function isPlural(noun: string): boolean {
  return PLURAL.has(noun) || PLURAL.has(noun.split(' ').at(-1)!);
}

/** The words that agree with an expression's head noun, as template slots: {it}, {its}, {is}. */
export function agreement(e: Pick<ReferringRecord, 'noun'>): { it: string; its: string; is: string } {
  return isPlural(e.noun) ? { it: 'them', its: 'their', is: 'are' } : { it: 'it', its: 'its', is: 'is' };
}

/** A size measure: the edge of the cube with the object's bounding volume, metres. */
export function sizeMeasure(o: SceneObject): number {
  const h = shapeHalfExtents(o.shape);
  return 2 * Math.cbrt(h[0] * h[1] * h[2]);
}

const at = (o: SceneObject): Vec3 => o.pose.position;

/** The objects an expression's noun and colour leave. */
function candidates(objects: readonly SceneObject[], noun: string, color: string | null): SceneObject[] {
  return objects.filter((o) => nounsOf(o).includes(noun) && (color === null || o.material.colorName === color));
}

/** The one object of `set` that is biggest (smallest) by SIZE_RATIO over every other, or null. */
function bySize(set: readonly SceneObject[], w: SizeWord): SceneObject | null {
  if (set.length < 2) return null;
  const sorted = [...set].sort((a, b) => sizeMeasure(b) - sizeMeasure(a));
  if (w === 'bigger') return sizeMeasure(sorted[0]) >= SIZE_RATIO * sizeMeasure(sorted[1]) ? sorted[0] : null;
  const n = sorted.length;
  return sizeMeasure(sorted[n - 2]) >= SIZE_RATIO * sizeMeasure(sorted[n - 1]) ? sorted[n - 1] : null;
}

/**
 * The ids an expression selects among `objects` from `vp`: exactly one when it is unambiguous. A relation selects
 * the candidates clearly in its direction of the reference, and only when every other candidate is clearly not; the
 * reference itself must be named uniquely by its noun and colour.
 */
export function resolve(e: Omit<ReferringExpression, 'text' | 'object_id'>, objects: readonly SceneObject[], vp: Viewpoint): number[] {
  const set = candidates(objects, e.noun, e.color);
  if (e.size) {
    const o = bySize(set, e.size);
    return o ? [o.id] : [];
  }
  if (e.position) {
    const i = extremeOf(vp, set.map(at), e.position);
    return i === null ? [] : [set[i].id];
  }
  if (e.relation) {
    const refs = candidates(objects, e.reference_noun!, e.reference_color);
    if (refs.length !== 1 || refs[0].id !== e.reference_id) return [];
    const ref = refs[0];
    const verdicts = set.filter((o) => o.id !== ref.id).map((o) => ({ o, v: inDirection(vp, at(o), at(ref), e.relation!, 4) }));
    if (verdicts.some((x) => x.v === 'unclear')) return [];
    return verdicts.filter((x) => x.v === 'yes').map((x) => x.o.id);
  }
  return set.map((o) => o.id);
}

/** The words of a structured expression: "the bigger red mug", "the leftmost can", "the mug to the left of the plate". */
export function expressionText(e: Omit<ReferringExpression, 'text' | 'object_id'>, viewer: Viewpoint['viewer'], setSize: number): string {
  const np = [e.color, e.noun].filter(Boolean).join(' ');
  if (e.size) return `the ${setSize > 2 ? (e.size === 'bigger' ? 'biggest' : 'smallest') : e.size} ${np}`;
  if (e.position === 'left' || e.position === 'right') return setSize > 2 ? `the ${e.position}most ${np}` : `the ${np} on the ${e.position}`;
  if (e.position) return `the ${np} ${e.position === 'nearest' ? 'nearest' : 'farthest from'} the ${viewer}`;
  if (e.relation) return `the ${np} ${DIRECTION_WORDS[e.relation]} the ${[e.reference_color, e.reference_noun].filter(Boolean).join(' ')}`;
  return `the ${np}`;
}

type Form = Omit<ReferringExpression, 'text' | 'object_id'>;

/**
 * The shortest expression that selects exactly `target` among `objects` (which include it) from `vp`, or null when
 * the ladder finds none. The head noun is the category or, drawn with `synonymShare` when an `rng` is given, one of
 * its synonyms (a synonym that finds no form falls back to the category).
 */
export function describe(target: SceneObject, objects: readonly SceneObject[], vp: Viewpoint, rng?: Rng, opts: { synonymShare?: number; relational?: boolean } = {}): ReferringExpression | null {
  const nouns = nounsOf(target);
  const share = opts.synonymShare ?? 0.35;
  const noun = rng && nouns.length > 1 && rng.next() < share ? rng.pick(nouns.slice(1)) : nouns[0];
  for (const n of noun === nouns[0] ? [noun] : [noun, nouns[0]]) {
    const e = ladder(target, objects, vp, n, opts.relational ?? false);
    if (e) return e;
  }
  return null;
}

function ladder(target: SceneObject, objects: readonly SceneObject[], vp: Viewpoint, noun: string, relational: boolean): ReferringExpression | null {
  const base: Form = { frame: vp.name, noun, color: null, size: null, position: null, relation: null, reference_id: null, reference_noun: null, reference_color: null };
  const colours = [null, target.material.colorName];
  const forms: Form[] = [];
  if (!relational) {
    for (const color of colours) forms.push({ ...base, color });
    for (const size of ['bigger', 'smaller'] as const) for (const color of colours) forms.push({ ...base, color, size });
    for (const position of EXTREMES) for (const color of colours) forms.push({ ...base, color, position });
  }
  for (const ref of referencesFor(target, objects)) {
    for (const relation of MAIN_DIRECTIONS) for (const color of colours) forms.push({ ...base, color, relation, ...ref });
  }
  for (const f of forms) {
    const ids = resolve(f, objects, vp);
    if (ids.length === 1 && ids[0] === target.id) {
      return { object_id: target.id, text: expressionText(f, vp.viewer, candidates(objects, f.noun, f.color).length), ...f };
    }
  }
  return null;
}

/** Objects that can anchor a relation: another object named uniquely by its category (or colour and category). */
function referencesFor(target: SceneObject, objects: readonly SceneObject[]): Pick<Form, 'reference_id' | 'reference_noun' | 'reference_color'>[] {
  const out: Pick<Form, 'reference_id' | 'reference_noun' | 'reference_color'>[] = [];
  for (const r of objects) {
    if (r.id === target.id || r.category === target.category) continue;
    for (const color of [null, r.material.colorName]) {
      if (candidates(objects, r.category, color).length === 1) {
        out.push({ reference_id: r.id, reference_noun: r.category, reference_color: color });
        break;
      }
    }
  }
  return out;
}
