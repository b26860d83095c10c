// The built-in embodiments by name. A robot is chosen per build (or per episode) by this name.
import type { RobotModel } from '../../core/robot-model.js';
import { pandaModel } from './panda.js';
import { widowx250Model } from './widowx250.js';

import { ROBOT_NAMES, type RobotName } from '../../schemas/task-kinds.js';

export { ROBOT_NAMES, type RobotName };

export function robotModel(name: RobotName): RobotModel {
  switch (name) {
    case 'panda':
      return pandaModel();
    case 'widowx250':
      return widowx250Model();
  }
}
