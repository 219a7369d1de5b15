import os from 'node:os';
import type { CommandModule } from 'yargs';
import { parseRedisUrl } from '../../forge/distributed/redis-url.js';
import { runWorker } from '../../forge/distributed/worker.js';
import { forgeHome } from '../../forge/home.js';
import { defaultWorkers } from '../../forge/pool/pool.js';
import { parseBytes, parseDuration } from '../../forge/units.js';
import { makeContext } from '../output.js';

interface WorkerArgs {
  redis: string;
  workers?: number;
  name?: string;
  'feature-memory'?: string;
  lock?: string;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'Evaluate plays for coordinators (forge evolve --redis URL) on this machine, until stopped',
  builder: (y) =>
    y
      .option('redis', {
        type: 'string',
        demandOption: true,
        describe: 'Redis URL shared with the coordinator: redis://[user:password@]host:6379 or rediss:// (TLS)',
      })
      .option('workers', { type: 'number', describe: 'Evaluation threads on this machine (default: one per core)' })
      .option('name', { type: 'string', describe: "Name shown in the coordinator's progress (default host-pid)" })
      .option('feature-memory', {
        type: 'string',
        describe: "Budget of this worker's shared feature store, e.g. 512MB",
      })
      .option('lock', {
        type: 'string',
        hidden: true,
        describe: 'BullMQ job lock, e.g. 30s: a job whose worker died is handed on after this',
      })
      .example(
        '$0 worker --redis redis://:secret@10.0.0.5:6379 --workers 8',
        'one worker process with 8 threads',
      ) as never,
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const target = parseRedisUrl(argv.redis);
    let stop = false;
    const onSignal = () => {
      if (stop) process.exit(130);
      stop = true;
      ctx.warn('stopping after the job in hand (signal again to quit now; the job is then handed to another worker)');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const done = await runWorker({
        target,
        home: forgeHome(ctx.home),
        name: argv.name ?? `${os.hostname()}-${process.pid}`,
        workers: argv.workers ?? defaultWorkers(),
        featureMemory:
          argv['feature-memory'] === undefined ? undefined : parseBytes(argv['feature-memory'], '--feature-memory'),
        ...(argv.lock === undefined ? {} : { lockMs: parseDuration(argv.lock, '--lock') }),
        log: (m) => ctx.warn(m),
        stopRequested: () => stop,
      });
      // A stop without Redis is still the stop that was asked for: same exit code, said why.
      ctx.say(
        `worker stopped: ${done.jobs} jobs, ${done.evaluations} evaluations` +
          (done.redisUnreachable
            ? `; Redis was unreachable, ${done.left.length} job${done.left.length === 1 ? '' : 's'} ` +
              'left for stalled-job recovery'
            : ''),
      );
      ctx.emit({ ok: true, ...done });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
