import type { CommandModule } from 'yargs';
import { withDatasetsCommands } from './datasets/index.js';

export const datasetsCommand: CommandModule = {
  command: 'datasets <command>',
  describe: 'Named regime datasets: build them to Parquet, list what is built',
  builder: (y) =>
    withDatasetsCommands(y).demandCommand(1, 'Name a datasets command; `forge datasets --help` lists them.'),
  handler: () => {},
};
