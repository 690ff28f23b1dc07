import type { Command } from 'commander';
import { registerConfigCommands } from './config.js';
import { registerConnectCommands } from './connect.js';
import { registerMappingCommands } from './mapping.js';
import { registerOpsCommands } from './ops.js';
import { registerRulesCommands } from './rules.js';
import { registerSandboxCommand } from './sandbox.js';
import { registerSecretsCommands } from './secrets.js';

/** Every command group, registered on the root program. Add one line per new command file. */
export function registerCommands(program: Command): void {
  registerConfigCommands(program);
  registerConnectCommands(program);
  registerOpsCommands(program);
  registerSecretsCommands(program);
  registerSandboxCommand(program);
  registerMappingCommands(program);
  registerRulesCommands(program);
}
