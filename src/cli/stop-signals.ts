// Graceful stop for long commands (evolve, walkforward). SIGINT (Ctrl-C) and SIGTERM (kill, systemd,
// docker stop, CI timeouts) both ask the command to stop at its next safe point (a generation's end),
// where it releases its run lock and writes nothing half-done; the command then exits with 128 + the
// signal number, as a shell reports a process the signal ended. A second signal quits at once.

import { ForgeError } from '../engine/errors.js';
import { shellQuote } from '../forge/shell-quote.js';
import type { CliContext } from './output.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** 128 + the signal number. */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

export interface StopSignals {
  /** Whether a stop was asked for (pass to the forge loop). */
  readonly stopRequested: () => boolean;
  /** The exit code for a command that stopped on request (SIGINT's when none came, e.g. a test). */
  exitCode(): number;
  /** Stop listening (in a finally). */
  dispose(): void;
}

/**
 * Listens for SIGINT and SIGTERM. `safePoint` completes "stopping after ..." in the first signal's
 * message; `quitNow` runs on the second, just before the process exits (stop a progress bar, say
 * what to rerun).
 */
export function listenForStop(safePoint: string, quitNow: () => void): StopSignals {
  let received: StopSignal | undefined;
  const onSignal = (signal: StopSignal) => {
    if (received !== undefined) {
      quitNow();
      process.exit(SIGNAL_EXIT[signal]);
    }
    received = signal;
    const again = signal === 'SIGINT' ? 'Ctrl-C' : 'signal';
    process.stderr.write(`\n${signal}: stopping after ${safePoint}; ${again} again to quit now\n`);
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return {
    stopRequested: () => received !== undefined,
    exitCode: () => SIGNAL_EXIT[received ?? 'SIGINT'],
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}

/**
 * A stop that Redis being down cut short (the work in flight could not finish) is still the stop asked
 * for, not a failure: says Redis' error and the command to continue, and sets the stop's exit code (130,
 * 143). Returns false for any other error, which the caller rethrows. `first` runs before anything is
 * said (a progress bar to stop).
 */
export function endStopCutShortByRedis(
  ctx: CliContext,
  err: unknown,
  stop: StopSignals,
  first: () => void = () => {},
): boolean {
  if (!(err instanceof ForgeError && err.code === 'E_REDIS_UNREACHABLE' && stop.stopRequested())) return false;
  first();
  ctx.emit({ ok: false, error: { code: err.code, message: err.message, fix: err.fix } });
  process.stderr.write(`error: ${err.message}\n  fix: ${err.fix}\n`);
  process.exitCode = stop.exitCode();
  return true;
}

/**
 * This process's own command line, as a person would type it again: `forge walkforward --train 90d`.
 * `hide` replaces a secret in it (a Redis URL's password) by how it may be shown.
 */
export function commandLine(hide?: { readonly secret: string; readonly shown: string }): string {
  const show = (a: string) => (hide === undefined || hide.secret === '' ? a : a.split(hide.secret).join(hide.shown));
  return ['forge', ...process.argv.slice(2).map((a) => shellQuote(show(a)))].join(' ');
}
