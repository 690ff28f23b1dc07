/** The `npm start` demo: sandboxes, service and dashboard in one process. See README "Quick start". */
export { EXAMPLE_TAG_RULES, type DemoConfigOptions, demoConfig } from './config.js';
export { type ConflictSeed, editBothSides, seedNotesAndTasks } from './seed.js';
export { type Demo, type DemoOptions, startDemo } from './start.js';
