import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ForgeError } from '../engine/errors.js';
import { osErrorToForge } from '../forge/os-error.js';
import { joinNegativeValues } from './argv.js';
import { withCommands } from './commands/index.js';

// The only place that exits: library code throws ForgeError (user error) or anything else (a bug).
async function main(): Promise<void> {
  const args = joinNegativeValues(hideBin(process.argv));
  const withGlobals = yargs(args)
    .scriptName('forge')
    // A repeated flag overrides the earlier one (`... --seed 7 --seed 8` is seed 8), as in most CLIs;
    // yargs' default turns it into a list, which the config schemas now refuse instead of coercing
    // ['7', '8'] to the seed "7,8".
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .usage('$0 <command> [options]\n\nEvolve trading strategies with a genetic algorithm and test them honestly.')
    .option('home', {
      type: 'string',
      describe: 'Folder holding the store, built datasets and runs (env FORGE_HOME, default: current folder)',
      global: true,
    })
    .option('json', { type: 'boolean', default: false, describe: 'Machine-readable JSON on stdout', global: true })
    .option('quiet', { type: 'boolean', default: false, describe: 'Print only errors', global: true });
  const cli = (await withCommands(withGlobals, args))
    .demandCommand(1, 'Name a command; `forge --help` lists them.')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    // yargs renders the help text after every command's handler starts, in case a later failure shows
    // it; wrapping it to the terminal cost ~35 ms of a search's start-up (bench/small-search.mjs), and
    // forge prints help only for --help (failures print the error and point to --help).
    .wrap(args.some((a) => a === '--help' || a === '-h') ? Math.min(110, process.stdout.columns || 100) : null)
    .fail((msg, err) => {
      // yargs' own validation errors (YError) and check() failures are usage errors; anything a
      // handler threw goes to the catch below.
      if (err && err.name !== 'YError' && !msg) throw err;
      if (err && err.name !== 'YError' && msg !== err.message) throw err;
      process.stderr.write(`error: ${msg ?? err?.message}\nRun with --help for usage.\n`);
      process.exit(2);
    });
  await cli.parseAsync();
}

main().catch((caught: unknown) => {
  const json = process.argv.includes('--json');
  // Disk full, permissions, bad paths: the user's to fix, named with path and cause, never "internal error".
  const err = osErrorToForge(caught) ?? caught;
  if (err instanceof ForgeError) {
    if (json)
      process.stdout.write(
        JSON.stringify({ ok: false, error: { code: err.code, message: err.message, fix: err.fix } }, null, 2) + '\n',
      );
    process.stderr.write(`error: ${err.message}\n${err.fix ? `  fix: ${err.fix}\n` : ''}`);
    process.exit(1);
  }
  process.stderr.write(
    `internal error (a bug in forge, please report it):\n${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(70);
});
