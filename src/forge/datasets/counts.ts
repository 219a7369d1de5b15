import type { CandleStore } from '../store/store.js';
import { SYNTHETIC_SOURCE } from '../store/store.js';
import type { DatasetDef } from './catalog.js';

/** A dataset's base candles in the store: real ones anywhere, real and synthetic inside its window. */
export interface Counts {
  realAll: number;
  real: number;
  synthetic: number;
}

export async function countCandles(store: CandleStore, def: DatasetDef): Promise<Counts> {
  const rows = await store.all<Counts>(
    `SELECT CAST(count(*) FILTER (WHERE source <> $synth) AS DOUBLE) AS "realAll",
            CAST(count(*) FILTER (WHERE source <> $synth AND ts >= $from AND ts < $to) AS DOUBLE) AS real,
            CAST(count(*) FILTER (WHERE source = $synth AND ts >= $from AND ts < $to) AS DOUBLE) AS synthetic
     FROM candles WHERE symbol = $symbol AND tf = $tf`,
    { symbol: def.symbol, tf: def.baseTf, from: BigInt(def.from), to: BigInt(def.to), synth: SYNTHETIC_SOURCE },
  );
  return rows[0];
}
