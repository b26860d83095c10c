// The built-in embodiments by name. A robot is chosen per build (or per episode) by this name.
import type { RobotModel } from '../../generators/robot/model.js';
import { pandaModel } from './panda.js';
import { widowx250Model } from './widowx250.js';

export const ROBOT_NAMES = ['panda', 'widowx250'] as const;
export type RobotName = (typeof ROBOT_NAMES)[number];

export function robotModel(name: RobotName): RobotModel {
  switch (name) {
    case 'panda':
      return pandaModel();
    case 'widowx250':
      return widowx250Model();
  }
}
