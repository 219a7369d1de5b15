import { ForgeError } from '../engine/errors.js';
import { parseIsoUtc } from '../forge/store/timestamps.js';

// The --from / --to flags every command reads the same way (data synth, check, resample, backtest).

/** An ISO date or date-time on the command line, UTC unless it carries an offset; the error names the flag. */
export function parseDateFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseIsoUtc(String(value).trim());
  if (!Number.isFinite(ms)) {
    throw new ForgeError(
      `--${flag}: '${value}' is not a date`,
      `give an ISO date or date-time in UTC, e.g. --${flag} 2022-01-01 or 2022-01-01T12:00`,
      'E_ARG',
    );
  }
  return ms;
}

/** --from before --to, both named in the message. */
export function checkWindow(
  from: number | undefined,
  to: number | undefined,
  raw: { from?: string; to?: string },
): void {
  if (from !== undefined && to !== undefined && !(from < to)) {
    throw new ForgeError(
      `--from ${raw.from} is not before --to ${raw.to}`,
      'give a --from date earlier than --to',
      'E_ARG',
    );
  }
}
