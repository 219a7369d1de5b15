import type { Argv } from 'yargs';
import { checkCommand } from './check.js';
import { fetchCommand } from './fetch.js';
import { importCommand } from './import.js';
import { lsCommand } from './ls.js';
import { resampleCommand } from './resample.js';
import { synthCommand } from './synth.js';

// One file per subcommand; add yours here (one .command() each, so its argument type is checked).
export function withDataCommands<T extends object>(y: Argv<T>): Argv<T> {
  return y
    .command(importCommand)
    .command(lsCommand)
    .command(fetchCommand)
    .command(synthCommand)
    .command(checkCommand)
    .command(resampleCommand);
}
