import type { Argv } from 'yargs';
import { buildCommand } from './build.js';
import { lsCommand } from './ls.js';

// One file per subcommand; add yours here (one .command() each, so its argument type is checked).
export function withDatasetsCommands<T extends object>(y: Argv<T>): Argv<T> {
  return y.command(buildCommand).command(lsCommand);
}
