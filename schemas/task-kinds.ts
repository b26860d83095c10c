// Names a config may use for tasks and robots. They live here, in the leaf of the dependency graph, so the config
// schema and the code that implements each name agree without the schema importing that code.

/** pick-and-place task primitives */
export const TASK_KINDS = ['pick', 'place_on', 'place_in', 'move_near', 'stack', 'push_to'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** built-in embodiments */
export const ROBOT_NAMES = ['panda', 'widowx250'] as const;
export type RobotName = (typeof ROBOT_NAMES)[number];
