import type { Argv } from 'yargs';

// Each command file exports one yargs CommandModule. Its module (and what it imports: DuckDB, BullMQ,
// the report's page, ...) is loaded only when its command is the one run: loading all ten cost every
// command ~0.4 s of start-up (bench/small-search.mjs, issue 11 point 3). Without a known command word
// (`forge`, `forge --help`, a typo) all are loaded, so help lists them and yargs can suggest one.
// One .command() per module keeps each module's argument type checked against its builder (an array
// would need one common, untyped element type).
type Adder = <T extends object>(y: Argv<T>) => Argv<T>;

const COMMANDS: Readonly<Record<string, () => Promise<Adder>>> = {
  data: async () => {
    const { dataCommand } = await import('./data.js');
    return (y) => y.command(dataCommand);
  },
  datasets: async () => {
    const { datasetsCommand } = await import('./datasets.js');
    return (y) => y.command(datasetsCommand);
  },
  backtest: async () => {
    const { backtestCommand } = await import('./backtest.js');
    return (y) => y.command(backtestCommand);
  },
  evolve: async () => {
    const { evolveCommand } = await import('./evolve.js');
    return (y) => y.command(evolveCommand);
  },
  walkforward: async () => {
    const { walkforwardCommand } = await import('./walkforward.js');
    return (y) => y.command(walkforwardCommand);
  },
  validate: async () => {
    const { validateCommand } = await import('./validate.js');
    return (y) => y.command(validateCommand);
  },
  report: async () => {
    const { reportCommand } = await import('./report.js');
    return (y) => y.command(reportCommand);
  },
  runs: async () => {
    const { runsCommand } = await import('./runs.js');
    return (y) => y.command(runsCommand);
  },
  bench: async () => {
    const { benchCommand } = await import('./bench.js');
    return (y) => y.command(benchCommand);
  },
  worker: async () => {
    const { workerCommand } = await import('./worker.js');
    return (y) => y.command(workerCommand);
  },
};

/** Global options that take a value (main.ts): their value is not a command word. */
const VALUED_GLOBALS = new Set(['--home']);

/** The command word of `args` (the arguments after the script), if it names a command. */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return undefined;
    if (VALUED_GLOBALS.has(a)) i++;
    else if (!a.startsWith('-')) return Object.hasOwn(COMMANDS, a) ? a : undefined;
  }
  return undefined;
}

/** Adds the command `args` names, or every command when they name none. */
export async function withCommands<T extends object>(y: Argv<T>, args: readonly string[]): Promise<Argv<T>> {
  const word = commandWord(args);
  const adders = await Promise.all(
    word === undefined ? Object.values(COMMANDS).map((load) => load()) : [COMMANDS[word]()],
  );
  return adders.reduce((acc, add) => add(acc), y);
}
