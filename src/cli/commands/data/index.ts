import type { CommandModule } from 'yargs';

// One file per subcommand; append yours here.
export const dataCommands: CommandModule<any, any>[] = [];
import { importCommand } from './import.js';
dataCommands.push(importCommand);
import { lsCommand } from './ls.js';
dataCommands.push(lsCommand);
import { fetchCommand } from './fetch.js';
dataCommands.push(fetchCommand);
import { synthCommand } from './synth.js';
import { checkCommand } from './check.js';
import { resampleCommand } from './resample.js';
dataCommands.push(synthCommand, checkCommand, resampleCommand);
