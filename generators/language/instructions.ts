// What the policy is told: an instruction and a spatial prompt per task, each one phrasing of its bank
// (phrasing.ts: every fifth phrasing is held out as `test`). All written for this project.
//
// Slots: {x} the object handled and {y} the other object, each a referring expression with its article ("the red
// mug", "the bowl on the left"); {it}, {its}, {is} the pronoun, possessive and verb for {x} ("them", "their", "are"
// for "the scissors"); {region} a named part of the table ("the
// left side of the table"); {dir} a push direction ("to the left", "forward"). No phrasing starts with a slot, and
// none puts a particle after {x} ("pick {x} up"), which a long expression would strand.
import type { Bank } from './phrasing.js';

/** the tasks that have sentences: the six pick-and-place primitives and the rod's push */
export type SentenceTask = 'pick' | 'place_on' | 'place_in' | 'move_near' | 'stack' | 'push_to' | 'push';

const bank = (id: string, phrasings: string[]): Bank => ({ id, phrasings });

export const INSTRUCTIONS: Record<SentenceTask, Bank> = {
  pick: bank('pick', [
    'Pick up {x}.', 'Lift {x} off the table.', 'Could you pick up {x}?', 'Please grab {x} and lift {it}.', 'Raise {x} into the air.',
    'Take {x} and hold {it} up.', 'Can you lift {x}?', 'I need you to pick up {x}.', 'Grasp {x} and raise {it} a little.', 'Would you mind lifting {x}?',
    'Get {x} off the table.', 'Lift up {x}, please.', 'Grab {x}.', 'Go ahead and pick up {x}.', 'Hold {x} up above the table.',
  ]),
  place_on: bank('place_on', [
    'Put {x} on {y}.', 'Place {x} on top of {y}.', 'Could you put {x} on {y}?', 'Please set {x} down on {y}.', 'Move {x} onto {y}.',
    'Pick up {x} and put {it} on {y}.', 'Can you place {x} on {y}?', 'I would like {x} on top of {y}.', 'Lay {x} on {y}.', 'Would you put {x} onto {y}, please?',
    'Take {x} and rest {it} on {y}.', 'Set {x} on {y}.', 'Grab {x} and leave {it} on {y}.', 'Transfer {x} onto {y}.', 'Get {x} onto {y}.',
  ]),
  place_in: bank('place_in', [
    'Put {x} in {y}.', 'Place {x} inside {y}.', 'Could you put {x} into {y}?', 'Please drop {x} into {y}.', 'Move {x} into {y}.',
    'Pick up {x} and put {it} in {y}.', 'Can you place {x} in {y}?', 'I need {x} inside {y}.', 'Drop {x} in {y}.', 'Would you mind putting {x} into {y}?',
    'Take {x} and put {it} inside {y}.', 'Store {x} in {y}.', 'Grab {x} and drop {it} into {y}.', 'Transfer {x} into {y}.', 'Load {x} into {y}.',
  ]),
  move_near: bank('move_near', [
    'Move {x} next to {y}.', 'Place {x} beside {y}.', 'Could you put {x} next to {y}?', 'Please bring {x} close to {y}.', 'Set {x} down near {y}.',
    'Pick up {x} and put {it} by {y}.', 'Can you move {x} near {y}?', 'I would like {x} right next to {y}.', 'Put {x} beside {y}.', 'Would you move {x} over to {y}?',
    'Take {x} and place {it} near {y}.', 'Bring {x} over next to {y}.', 'Grab {x} and set {it} beside {y}.', 'Relocate {x} next to {y}.', 'Put {x} down close to {y}.',
  ]),
  stack: bank('stack', [
    'Stack {x} on {y}.', 'Put {x} on top of {y}.', 'Could you stack {x} on top of {y}?', 'Please place {x} on {y} to make a stack.', 'Build a stack with {x} on {y}.',
    'Pick up {x} and stack {it} on {y}.', 'Can you put {x} on top of {y}?', 'I need {x} stacked on {y}.', 'Set {x} on top of {y}.', 'Would you stack {x} onto {y}, please?',
    'Take {x} and balance {it} on {y}.', 'Place {x} squarely on {y}.', 'Grab {x} and stack {it} on {y}.', 'Stack {x} onto {y}.', 'Pile {x} on top of {y}.',
  ]),
  push_to: bank('push_to', [
    'Push {x} to {region}.', 'Slide {x} over to {region}.', 'Could you push {x} to {region}?', 'Please slide {x} toward {region}.', 'Nudge {x} over to {region}.',
    'Move {x} to {region} by pushing {it}.', 'Can you push {x} over to {region}?', 'I need {x} pushed to {region}.', 'Shove {x} to {region}.', 'Would you slide {x} to {region}?',
    'Push {x} along the table to {region}.', 'Move {x} to {region} without lifting {it}.', 'Slide {x} across to {region}.', 'Get {x} to {region} by sliding {it}.', 'Give {x} a push to {region}.',
  ]),
  push: bank('push', [
    'Push {x} {dir}.', 'Slide {x} {dir}.', 'Could you push {x} {dir}?', 'Please nudge {x} {dir}.', 'Shove {x} {dir}.',
    'Move {x} {dir} by pushing {it}.', 'Can you slide {x} {dir}?', 'I need {x} pushed {dir}.', 'Give {x} a push {dir}.', 'Would you push {x} a little {dir}?',
    'Push {x} {dir} along the table.', 'Slide {x} {dir} without lifting {it}.', 'Nudge {x} {dir}, please.', 'Use the rod to push {x} {dir}.', 'Shift {x} {dir} with a push.',
  ]),
};

export const SPATIAL_PROMPTS: Record<SentenceTask, Bank> = {
  pick: bank('pick.prompt', [
    'Locate {x} with a bounding box, point to where to grasp {it}, then trace the gripper\'s path to lift {it}.',
    'Box {x}, mark the grasp point on {it}, and draw the path the gripper takes to raise {it}.',
    'First find {x} (a bounding box), then the point to grasp, then the gripper\'s trace as it lifts {it}.',
    'Output the bounding box of {x}, a grasp point on {it}, and the end effector\'s trace for the lift.',
    'Where {is} {x}, where should the gripper close on {it}, and which path lifts {it}? Answer with a box, a point and a trace.',
  ]),
  place_on: bank('place_on.prompt', [
    'Locate {x} and {y} with bounding boxes, point to where to grasp {x} and where to place {it} on {y}, then trace the gripper\'s path.',
    'Box {x} and {y}, mark a grasp point on {x} and a place point on top of {y}, and draw the gripper\'s path between them.',
    'First find {x} and {y} (bounding boxes), then where to grasp {x}, where to set {it} down on {y}, and the gripper\'s trace.',
    'Output bounding boxes of {x} and {y}, the grasp point, the place point on {y}, and the end effector\'s trace.',
    'Which boxes hold {x} and {y}, where should the gripper grasp {x}, where on {y} should {it} go, and along which path? Answer with boxes, points and a trace.',
  ]),
  place_in: bank('place_in.prompt', [
    'Locate {x} and {y} with bounding boxes, point to where to grasp {x} and where to drop {it} inside {y}, then trace the gripper\'s path.',
    'Box {x} and {y}, mark a grasp point on {x} and a drop point inside {y}, and draw the gripper\'s path between them.',
    'First find {x} and {y} (bounding boxes), then where to grasp {x}, where to release {it} over {y}, and the gripper\'s trace.',
    'Output bounding boxes of {x} and {y}, the grasp point, the drop point inside {y}, and the end effector\'s trace.',
    'Which boxes hold {x} and {y}, where should the gripper grasp {x}, where inside {y} should {it} land, and along which path? Answer with boxes, points and a trace.',
  ]),
  move_near: bank('move_near.prompt', [
    'Locate {x} and {y} with bounding boxes, point to where to grasp {x} and to a free spot beside {y}, then trace the gripper\'s path.',
    'Box {x} and {y}, mark a grasp point on {x} and a free place next to {y}, and draw the gripper\'s path between them.',
    'First find {x} and {y} (bounding boxes), then where to grasp {x}, an empty spot near {y} for {it}, and the gripper\'s trace.',
    'Output bounding boxes of {x} and {y}, the grasp point, a free point beside {y}, and the end effector\'s trace.',
    'Which boxes hold {x} and {y}, where should the gripper grasp {x}, which free spot next to {y} should {it} go to, and along which path? Answer with boxes, points and a trace.',
  ]),
  stack: bank('stack.prompt', [
    'Locate {x} and {y} with bounding boxes, point to where to grasp {x} and to the top of {y}, then trace the gripper\'s path.',
    'Box {x} and {y}, mark a grasp point on {x} and the centre of the top of {y}, and draw the gripper\'s path between them.',
    'First find {x} and {y} (bounding boxes), then where to grasp {x}, where on top of {y} to stack {it}, and the gripper\'s trace.',
    'Output bounding boxes of {x} and {y}, the grasp point, the stacking point on {y}, and the end effector\'s trace.',
    'Which boxes hold {x} and {y}, where should the gripper grasp {x}, where on {y} should {it} sit, and along which path? Answer with boxes, points and a trace.',
  ]),
  push_to: bank('push_to.prompt', [
    'Locate {x} with a bounding box, point to {region}, then trace the path the gripper will push {it} along.',
    'Box {x}, mark the spot on {region} where {it} should end, and draw the path of the push.',
    'First find {x} (a bounding box), then the goal point on {region}, then the gripper\'s trace while pushing.',
    'Output the bounding box of {x}, the point on {region} to push {it} to, and the end effector\'s trace.',
    'Where {is} {x}, where on {region} should {it} end up, and along which path should the gripper push? Answer with a box, a point and a trace.',
  ]),
  push: bank('push.prompt', [
    'Locate {x} with a bounding box, then trace the path the pusher tip will follow to push {it} {dir}.',
    'Box {x} and draw the path of the rod\'s tip as it pushes {it} {dir}.',
    'First find {x} (a bounding box), then the trace of the pusher while it moves {it} {dir}.',
    'Output the bounding box of {x} and the pusher tip\'s trace for pushing {it} {dir}.',
    'Where {is} {x}, and which path will the rod\'s tip take to push {it} {dir}? Answer with a box and a trace.',
  ]),
};
