import type { CommandModule } from 'yargs';

// One file per subcommand; append yours here.
export const datasetsCommands: CommandModule<any, any>[] = [];
import { buildCommand as datasetsBuild } from './build.js';
import { lsCommand as datasetsLs } from './ls.js';
datasetsCommands.push(datasetsBuild, datasetsLs);
