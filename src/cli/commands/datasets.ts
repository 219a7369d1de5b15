import type { CommandModule } from 'yargs';
import { datasetsCommands } from './datasets/index.js';

export const datasetsCommand: CommandModule = {
  command: 'datasets <command>',
  describe: 'Named regime datasets: build them to Parquet, list what is built',
  builder: (y) =>
    y.command(datasetsCommands).demandCommand(1, 'Name a datasets command; `forge datasets --help` lists them.'),
  handler: () => {},
};
