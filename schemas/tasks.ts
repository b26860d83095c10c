// Names a config may use for tasks and robots. They live here, in the leaf of the dependency graph, so the config
// schema and the code that implements each name agree without the schema importing that code.
//
// Two levels, two words: a config's `task.kind` says who demonstrates (`push`: a rod pushes one object;
// `pick_place`: a robot arm), and a task *primitive* is what one arm episode does. An episode's `task` column names
// the primitive it attempted (`push` for a rod's push), never the kind.

/** pick-and-place task primitives: what one arm episode does */
export const TASK_PRIMITIVES = ['pick', 'place_on', 'place_in', 'move_near', 'stack', 'push_to'] as const;
export type TaskPrimitive = (typeof TASK_PRIMITIVES)[number];

/** built-in embodiments */
export const ROBOT_NAMES = ['panda', 'widowx250'] as const;
export type RobotName = (typeof ROBOT_NAMES)[number];
