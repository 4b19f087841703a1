import type { CliCommand } from './command';
import { compareReadModelsCommand } from './compare-read-models';
import { historyCommand } from './history';
import { importDeliveriesCommand } from './import-deliveries';
import { projectorCommand } from './projector';
import { rebuildCommand } from './rebuild';
import { verifyCommand } from './verify';

/** Every subcommand, in the order `help` lists them. Add a command: one file here, one line below. */
export const COMMANDS: readonly CliCommand[] = [verifyCommand, historyCommand, importDeliveriesCommand, rebuildCommand, compareReadModelsCommand, projectorCommand];
