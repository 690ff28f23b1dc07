import type { Command } from 'commander';
import { registerAuditCommand } from './audit.js';
import { registerConfigCommands } from './config.js';
import { registerConflictsCommands } from './conflicts.js';
import { registerConnectCommands } from './connect.js';
import { registerDemoCommand } from './demo.js';
import { registerEventsCommands } from './events.js';
import { registerMappingCommands } from './mapping.js';
import { registerOpsCommands } from './ops.js';
import { registerRulesCommands } from './rules.js';
import { registerSandboxCommand } from './sandbox.js';
import { registerFailuresCommands } from './failures.js';
import { registerProfileCommand } from './profile.js';
import { registerReconcileCommand } from './reconcile.js';
import { registerSecretsCommands } from './secrets.js';
import { registerStartCommand } from './start.js';
import { registerStatusCommand } from './status.js';
import { registerSyncCommands } from './sync.js';
import { registerTokensCommands } from './tokens.js';
import { registerTriggerCommands } from './trigger.js';

/** Every command group, registered on the root program. Add one line per new command file. */
export function registerCommands(program: Command): void {
  registerConfigCommands(program);
  registerConnectCommands(program);
  registerOpsCommands(program);
  registerSecretsCommands(program);
  registerSandboxCommand(program);
  registerMappingCommands(program);
  registerRulesCommands(program);
  registerStartCommand(program);
  registerTokensCommands(program);
  registerEventsCommands(program);
  registerSyncCommands(program);
  registerStatusCommand(program);
  registerFailuresCommands(program);
  registerProfileCommand(program);
  registerTriggerCommands(program);
  registerReconcileCommand(program);
  registerConflictsCommands(program);
  registerAuditCommand(program);
  registerDemoCommand(program);
}
