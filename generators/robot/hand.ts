// The gripper's own geometry in the TCP frame: every link carried by the last arm joint (hand, fingers, flange),
// as boxes, at a given opening. Grasp and placement planning test these against the table and the scene.
import { invertRigid, poseToMat4 } from '../../core/math.js';
import { shapeHalfExtents } from '../../core/scene.js';
import { mat4Multiply } from '../../core/frames.js';
import type { Kinematics } from './kinematics.js';
import { chainTo } from '../../core/robot-model.js';
import { type Obb, obbFromMatrix } from './obb.js';

export interface HandPart {
  obb: Obb;
  finger: boolean;
}

const cache = new WeakMap<Kinematics, Map<number, HandPart[]>>();

export function handParts(kin: Kinematics, opening: number): HandPart[] {
  const key = Math.round(opening * 1e5);
  let byOpening = cache.get(kin);
  if (!byOpening) cache.set(kin, (byOpening = new Map()));
  const hit = byOpening.get(key);
  if (hit) return hit;
  const model = kin.model;
  const last = model.armJoints[model.armJoints.length - 1];
  const fingerLinks = new Set(model.joints.filter((j) => model.gripper?.fingerJoints.includes(j.name)).map((j) => j.child));
  const links = kin.linkTransforms(model.home, opening);
  const toTcp = invertRigid(kin.tcp(model.home));
  const parts: HandPart[] = [];
  for (const l of model.links) {
    if (l.name === model.baseLink || !chainTo(model, l.name).some((j) => j.name === last)) continue;
    for (const g of l.collisions) {
      const m = mat4Multiply(toTcp, mat4Multiply(links[kin.linkIndex(l.name)], poseToMat4(g.origin)));
      parts.push({ obb: obbFromMatrix(m, shapeHalfExtents(g.shape)), finger: fingerLinks.has(l.name) });
    }
  }
  byOpening.set(key, parts);
  return parts;
}
