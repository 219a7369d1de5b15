import type { CommandModule } from 'yargs';
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

// Each command file exports one yargs CommandModule; they are listed here so `forge --help` shows them all.
export const commands: CommandModule<any, any>[] = [
  dataCommand,
  datasetsCommand,
  backtestCommand,
  evolveCommand,
  walkforwardCommand,
  validateCommand,
  reportCommand,
  runsCommand,
  benchCommand,
  workerCommand,
];
