// The built-in embodiments by name. A robot is chosen per build (or per episode) by this name.
import type { Vec3 } from '../../core/math.js';
import type { RobotModel } from '../../core/robot-model.js';
import { pandaModel } from './panda.js';
import { widowx250Model } from './widowx250.js';

import { ROBOT_NAMES, type RobotName } from '../../schemas/tasks.js';

export { ROBOT_NAMES, type RobotName };

export function robotModel(name: RobotName): RobotModel {
  switch (name) {
    case 'panda':
      return pandaModel();
    case 'widowx250':
      return widowx250Model();
  }
}

/** Where a built-in robot stands at the tabletop scene and what it reaches from there. */
export interface RobotStation {
  /** base link position in the world, facing +x, at the table's near edge (table top at z = 0) */
  base: Vec3;
  /**
   * Horizontal distances from the base at which top-down grasps and placements solve with room to spare (IK over
   * heights 3–25 cm: the WidowX 250 reaches to 0.45 m, the Panda from 0.3 to 0.8 m); a scene puts what a task needs
   * inside this ring.
   */
  reach: [number, number];
}

export const ROBOT_STATIONS: Record<RobotName, RobotStation> = {
  panda: { base: [-0.5, 0, 0], reach: [0.32, 0.78] },
  // the smaller arm sits closer to the objects
  widowx250: { base: [-0.28, 0, 0], reach: [0.1, 0.4] },
};
