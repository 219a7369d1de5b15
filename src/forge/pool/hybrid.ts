import {
  asError,
  piscinaOf,
  runRetried,
  validatePoolOptions,
  type PoolOptions,
  type TaskPool,
  type TaskResult,
} from './pool.js';

// `workers` evaluating threads with the main thread as one of them: workers - 1 piscina threads, and the
// same handler run inline between the main thread's other work. Why: on a machine whose cores all
// evaluate, a pool of `workers` threads leaves the main thread's share of the cores (breeding, records)
// to compete with them, and every extra isolate costs its own JIT warm-up, GC and messages; measured
// on the 2-core machine, two worker threads ran the same evaluations with ~1.5x the CPU of one inline
// evaluator (bench/RESULTS.md). The main thread's isolate is already warm from the serial part.
//
// Tasks wait in one queue in submission order (a round's batches come largest first). Each thread
// holds up to AHEAD tasks, so it starts its next one without waiting for the main thread to hand it
// over (piscina posts them to its port at once); the main thread takes the next task from the queue
// whenever it is free, after yielding to the event loop so that finished tasks are collected and
// the threads refilled first. Results do not depend on which thread ran a task (same handler, same
// inputs), so the pool gives the answers of any other worker count.

/** Tasks a thread holds at once: the one it runs and the next. */
const AHEAD = 2;

interface Pending<In, Out> {
  readonly task: In;
  readonly settle: (r: TaskResult<Out>) => void;
}

export function hybridTaskPool<In, Out>(
  workerFile: URL,
  options: Partial<PoolOptions>,
  handler: (task: In) => Out,
  /**
   * A task that does no work, sent to each thread first: until a thread has answered it (started,
   * modules compiled: ~0.25 s on the 2-core machine), it gets no other task, so the main thread runs
   * what it would have waited for.
   */
  bootTask?: In,
): TaskPool<In, Out> {
  const o = validatePoolOptions(options);
  if (o.workers < 2) throw new Error('internal: hybridTaskPool needs 2 or more workers (inlineTaskPool for 1)');
  const threads = o.workers - 1;
  const piscina = piscinaOf<In, Out>(workerFile, options, threads, AHEAD);
  const queue: Pending<In, Out>[] = [];
  let onThreads = 0;
  let booted = bootTask === undefined ? threads : 0;
  let inlineBusy = false;
  let closed = false;

  const onThread = async (p: Pending<In, Out>) => {
    onThreads++;
    p.settle(await runRetried(piscina, p.task));
    onThreads--;
    pump();
  };

  const runInline = () => {
    const p = queue.shift();
    if (p === undefined || closed) {
      inlineBusy = false;
      return;
    }
    try {
      p.settle({ ok: true, value: handler(p.task) });
    } catch (err) {
      p.settle({ ok: false, error: asError(err) });
    }
    inlineBusy = false;
    pump();
  };

  function pump(): void {
    while (onThreads < booted * AHEAD && queue.length > 0) void onThread(queue.shift() as Pending<In, Out>);
    if (!inlineBusy && queue.length > 0) {
      inlineBusy = true;
      // After the event loop's pending messages: finished thread tasks are collected and refilled first.
      setImmediate(runInline);
    }
  }

  // A thread that cannot boot fails its tasks the same way once it has them: it counts as up either way.
  const up = () => {
    booted++;
    pump();
  };
  const boots = bootTask === undefined ? [] : Array.from({ length: threads }, () => piscina.run(bootTask).then(up, up));

  return {
    workers: o.workers,
    run: (task) =>
      new Promise((settle) => {
        queue.push({ task, settle });
        pump();
      }),
    close: async () => {
      closed = true;
      for (const p of queue.splice(0)) p.settle({ ok: false, error: new Error('pool closed') });
      // Not while a thread is still loading its module: Node 20 then aborts the whole process
      // ("v8::Module::IsGraphAsync must be used on an instantiated module"). A search short enough to
      // finish on the main thread before the threads boot would otherwise crash at the end.
      await Promise.all(boots);
      await piscina.destroy();
    },
  };
}
