import type { Argv } from 'yargs';
import { backtestCommand } from './backtest.js';
import { benchCommand } from './bench.js';
import { dataCommand } from './data.js';
import { datasetsCommand } from './datasets.js';
import { evolveCommand } from './evolve.js';
import { reportCommand } from './report.js';
import { runsCommand } from './runs.js';
import { validateCommand } from './validate.js';
import { walkforwardCommand } from './walkforward.js';
import { workerCommand } from './worker.js';

// Each command file exports one yargs CommandModule; they are added here so `forge --help` shows them all.
// One .command() per module keeps each module's argument type checked against its builder (an array
// would need one common, untyped element type).
export function withCommands<T extends object>(y: Argv<T>): Argv<T> {
  return y
    .command(dataCommand)
    .command(datasetsCommand)
    .command(backtestCommand)
    .command(evolveCommand)
    .command(walkforwardCommand)
    .command(validateCommand)
    .command(reportCommand)
    .command(runsCommand)
    .command(benchCommand)
    .command(workerCommand);
}
