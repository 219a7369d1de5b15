import type { CommandModule } from 'yargs';
import { withDataCommands } from './data/index.js';

export const dataCommand: CommandModule = {
  command: 'data <command>',
  describe: 'Candles in the embedded DuckDB store: import, synth, check, resample, ls',
  builder: (y) => withDataCommands(y).demandCommand(1, 'Name a data command; `forge data --help` lists them.'),
  handler: () => {},
};
