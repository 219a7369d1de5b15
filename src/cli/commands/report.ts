import { spawn } from 'node:child_process';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { forgeHome } from '../../forge/home.js';
import { writeReport, type WrittenReport } from '../../forge/report/write.js';
import { readRunName, resolveRunRef } from '../../forge/runs/read.js';
import { makeContext, type CliContext } from '../output.js';

interface ReportArgs {
  run: string;
  out?: string;
  open?: boolean;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <run>',
  describe:
    'Write one self-contained HTML report (charts, tables; works offline) of an evolve, validate or walk-forward run',
  builder: (y) =>
    y
      .positional('run', {
        type: 'string',
        demandOption: true,
        describe: 'Run id, a unique prefix of it, its folder or its --name',
      })
      .option('out', { type: 'string', describe: 'Where to write the HTML file (default <run folder>/report.html)' })
      .option('open', { type: 'boolean', describe: 'Open it in the default browser when written' })
      .example('$0 report 3f2a9c0d1b2e4f56', 'write runs/3f2a9c0d1b2e4f56/report.html')
      .example('$0 report "btc baseline" --out btc.html --open', 'by name, to a file, and open it'),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const home = forgeHome(ctx.home);
    const id = resolveRunRef(home.runsDir, argv.run, 'report <run>');
    const written = await writeReport(home, id, argv.out);
    sayWritten(ctx, written, readRunName(home.runsDir, id));
    ctx.emit({ ok: true, ...written, name: readRunName(home.runsDir, id) });
    if (argv.open) openInBrowser(ctx, written.file);
  },
};

/** The one line every command that writes a report prints. */
export function sayWritten(ctx: CliContext, w: WrittenReport, name: string | null): void {
  const rel = path.relative(process.cwd(), w.file) || w.file;
  ctx.say(
    `report of ${w.kind} run ${w.runId}${name ? ` "${name}"` : ''}: ${rel} ` +
      `(${(w.bytes / 1e6).toFixed(1)} MB, self-contained, opens offline)`,
  );
}

function openInBrowser(ctx: CliContext, file: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [file], { detached: true, stdio: 'ignore' });
  child.on('error', () => ctx.warn(`could not start ${opener} to open the report; open ${file} in a browser`));
  child.unref();
}
