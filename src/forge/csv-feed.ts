import fs from 'node:fs';
import { ForgeError } from '../engine/errors.js';
import { timeframeMs } from '../engine/timeframe.js';
import type { Feed } from '../engine/types.js';
import { parseCandleCsv } from './store/csv.js';
import { badRowsError, checkRows } from './store/rows.js';

/**
 * A candle CSV as one feed at timeframe `tf`, through the importer's parser and checks (a bad line is
 * refused with its number, as `forge data import` does). `flag` names the argument that gave the path.
 */
export function csvFeed(file: string, tf: string, flag: string): Feed {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ForgeError(
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      `check the path given to ${flag}`,
      'E_CSV_FILE',
    );
  }
  const checked = checkRows(parseCandleCsv(text, file), tf, 'keep');
  if (checked.bad.length > 0) throw badRowsError(file, 'line', checked.bad);
  const n = checked.n;
  const cut = (a: Float64Array) => a.subarray(0, n);
  const { ts, open, high, low, close, volume } = checked;
  return {
    tf,
    tfMs: timeframeMs(tf),
    time: cut(ts),
    open: cut(open),
    high: cut(high),
    low: cut(low),
    close: cut(close),
    volume: cut(volume),
    length: n,
  };
}
