// The simulator's general loop as it was before the bitset kernels (commit 6de51d4, simulate.ts),
// kept verbatim as the oracle of the equivalence tests: bar by bar over 0/1 signal bytes, no
// skipping, the curve stored and its sums left to computeMetrics. Test code only.
import type { Feed } from '../../../src/engine/types.js';
import {
  ExitReason,
  OrderStatus,
  type SimConfig,
  type SimResult,
  type Signals,
  type StopSpec,
} from '../../../src/engine/sim/types.js';
import { positionUnits, NO_STOP_DISTANCE } from '../../../src/engine/sim/sizing.js';
import { TradeBuffer, RejectBuffer } from '../../../src/engine/sim/trades.js';
import { wouldOpen } from '../../../src/engine/sim/simulate-plain.js';
import { validateSimInput } from '../../../src/engine/sim/validate.js';

const NONE = 0;
const PCT = 1;
const ATR = 2;
const kindOf = (s: StopSpec | undefined): number => (s === undefined ? NONE : s.kind === 'pct' ? PCT : ATR);

/** simulate() as it was, always through the general loop, without a scratch. */
export function referenceSimulate(feed: Feed, signals: Signals, config: SimConfig, atr?: Float64Array): SimResult {
  validateSimInput(feed, signals, config, atr);
  return generalLoop(feed, signals, config, atr);
}

function generalLoop(feed: Feed, signals: Signals, config: SimConfig, atr: Float64Array | undefined): SimResult {
  const n = feed.length;
  const open = feed.open;
  const high = feed.high;
  const low = feed.low;
  const close = feed.close;
  const longEntry = signals.longEntry;
  const shortEntry = signals.shortEntry;
  const longExit = signals.longExit ?? null;
  const shortExit = signals.shortExit ?? null;
  const feeRate = config.feeBps / 1e4;
  const slip = config.slippageBps / 1e4;
  const sizing = config.sizing;
  const allowLong = config.allowLong;
  const allowShort = config.allowShort;
  const ex = config.exits;
  const onOpposite = ex.onOpposite;
  const timeStop = ex.timeStopBars ?? 0;
  const slKind = kindOf(ex.stopLoss);
  const slVal = ex.stopLoss?.value ?? 0;
  const tpKind = kindOf(ex.takeProfit);
  const tpVal = ex.takeProfit?.value ?? 0;
  const trKind = kindOf(ex.trailingStop);
  const trVal = ex.trailingStop?.value ?? 0;
  const atrv = atr ?? null;
  const endAtOpen = config.endOfDataFill === 'open';
  // Without stops the stop/target prices are -/+Infinity and the per-bar exit checks below can only fire
  // on an infinite open, high or low; skipping them is then exact and saves most of a held bar's work.
  const hasStops = slKind !== NONE || tpKind !== NONE || trKind !== NONE;

  const equity = new Float64Array(n);
  const trades = new TradeBuffer(64);
  const rejects = new RejectBuffer(16);
  trades.reset();
  rejects.reset();

  let cash = config.cash;
  let pos = 0; // +1 long, -1 short, 0 flat
  let units = 0;
  let entryPrice = 0;
  let entryBar = 0;
  let entryFee = 0;
  let stopPx = 0; // -Infinity (long) / +Infinity (short) when no stop-loss
  let targetPx = 0; // +Infinity (long) / -Infinity (short) when no take-profit
  let trailPct = 0;
  let trailAbs = 0;
  let trailExt = 0; // best price so far (long: highest, short: lowest)
  let bust = false;
  let lastPos = 0; // position held at the last bar's close, before the end-of-data close

  for (let j = 0; j < n; j++) {
    if (j > 0 && !bust) {
      const s = j - 1;
      const le = longEntry[s] !== 0;
      const se = shortEntry[s] !== 0;
      let exitReason = -1;
      let enterDir = 0;
      if (pos === 1) {
        if (onOpposite && se && !le) {
          exitReason = ExitReason.Opposite;
          if (allowShort) enterDir = -1;
        } else if (longExit !== null && longExit[s] !== 0) exitReason = ExitReason.Signal;
        else if (timeStop > 0 && j - entryBar >= timeStop) exitReason = ExitReason.TimeStop;
      } else if (pos === -1) {
        if (onOpposite && le && !se) {
          exitReason = ExitReason.Opposite;
          if (allowLong) enterDir = 1;
        } else if (shortExit !== null && shortExit[s] !== 0) exitReason = ExitReason.Signal;
        else if (timeStop > 0 && j - entryBar >= timeStop) exitReason = ExitReason.TimeStop;
      } else if (le !== se) {
        if (le && allowLong) enterDir = 1;
        else if (se && allowShort) enterDir = -1;
      }

      const o = open[j];
      if (exitReason >= 0) {
        if (!(o > 0)) {
          rejects.push(j, OrderStatus.RejectedInvalidPrice);
          enterDir = 0;
        } else {
          const px = pos === 1 ? o * (1 - slip) : o * (1 + slip);
          const fee = units * px * feeRate;
          cash += pos * units * px - fee;
          trades.push(pos, entryBar, j, entryPrice, px, units, entryFee + fee, exitReason);
          pos = 0;
        }
      }

      if (enterDir !== 0) {
        if (!(o > 0)) rejects.push(j, OrderStatus.RejectedInvalidPrice);
        else {
          const px = enterDir === 1 ? o * (1 + slip) : o * (1 - slip);
          const a = atrv === null ? NaN : atrv[s];
          const slDist = slKind === PCT ? px * slVal : slKind === ATR ? a * slVal : 0;
          const tpDist = tpKind === PCT ? px * tpVal : tpKind === ATR ? a * tpVal : 0;
          const trDist = trKind === ATR ? a * trVal : 0;
          if (
            (slKind !== NONE && !(slDist > 0)) ||
            (tpKind !== NONE && !(tpDist > 0)) ||
            (trKind === ATR && !(trDist > 0))
          ) {
            rejects.push(j, OrderStatus.RejectedNoStopDistance);
          } else {
            const u = positionUnits(sizing, cash, px, feeRate, slKind === NONE ? NaN : slDist);
            if (u === NO_STOP_DISTANCE) rejects.push(j, OrderStatus.RejectedNoStopDistance);
            else if (u === 0) rejects.push(j, OrderStatus.RejectedInsufficientCash);
            else {
              const fee = u * px * feeRate;
              cash -= enterDir * u * px + fee;
              pos = enterDir;
              units = u;
              entryPrice = px;
              entryBar = j;
              entryFee = fee;
              stopPx = slKind === NONE ? -enterDir * Infinity : px - enterDir * slDist;
              targetPx = tpKind === NONE ? enterDir * Infinity : px + enterDir * tpDist;
              trailPct = trKind === PCT ? trVal : 0;
              trailAbs = trDist;
              trailExt = px;
            }
          }
        }
      }
    }

    if (endAtOpen && j === n - 1 && pos !== 0) {
      lastPos = pos;
      const o = open[j];
      const px = pos === 1 ? o * (1 - slip) : o * (1 + slip);
      const fee = units * px * feeRate;
      cash += pos * units * px - fee;
      trades.push(pos, entryBar, j, entryPrice, px, units, entryFee + fee, ExitReason.EndOfData);
      pos = 0;
    }

    if (
      pos !== 0 &&
      (hasStops || open[j] === Infinity || open[j] === -Infinity || high[j] === Infinity || low[j] === -Infinity)
    ) {
      const o = open[j];
      const h = high[j];
      const l = low[j];
      let px = NaN;
      let reason: number = ExitReason.StopLoss;
      if (pos === 1) {
        let stop = stopPx;
        if (trKind !== NONE) {
          const t = trailExt * (1 - trailPct) - trailAbs;
          if (t > stop) {
            stop = t;
            reason = ExitReason.TrailingStop;
          }
        }
        if (o <= stop) px = o * (1 - slip);
        else if (o >= targetPx) {
          px = o;
          reason = ExitReason.TakeProfit;
        } else if (l <= stop) px = stop * (1 - slip);
        else if (h >= targetPx) {
          px = targetPx;
          reason = ExitReason.TakeProfit;
        } else if (h > trailExt) trailExt = h;
      } else {
        let stop = stopPx;
        if (trKind !== NONE) {
          const t = trailExt * (1 + trailPct) + trailAbs;
          if (t < stop) {
            stop = t;
            reason = ExitReason.TrailingStop;
          }
        }
        if (o >= stop) px = o * (1 + slip);
        else if (o <= targetPx) {
          px = o;
          reason = ExitReason.TakeProfit;
        } else if (h >= stop) px = stop * (1 + slip);
        else if (l <= targetPx) {
          px = targetPx;
          reason = ExitReason.TakeProfit;
        } else if (l < trailExt) trailExt = l;
      }
      if (px === px) {
        const fee = units * px * feeRate;
        cash += pos * units * px - fee;
        trades.push(pos, entryBar, j, entryPrice, px, units, entryFee + fee, reason);
        pos = 0;
      }
    }

    let eq = cash + pos * units * close[j];
    if (j === n - 1 && !endAtOpen) lastPos = pos;
    if (pos !== 0 && (j === n - 1 || eq <= 0)) {
      // End of data, or out of money: close at this bar's close (a market fill: slippage applies).
      const c = close[j];
      const px = pos === 1 ? c * (1 - slip) : c * (1 + slip);
      const fee = units * px * feeRate;
      cash += pos * units * px - fee;
      trades.push(
        pos,
        entryBar,
        j,
        entryPrice,
        px,
        units,
        entryFee + fee,
        j === n - 1 ? ExitReason.EndOfData : ExitReason.Liquidation,
      );
      pos = 0;
      eq = cash;
      if (eq <= 0) bust = true;
    }
    equity[j] = eq;
    // Inside the loop on purpose: a compare after a hot loop made V8 deoptimise its OSR code on every call.
    if (j === n - 1 && !bust && wouldOpen(bitsAt(signals, j), lastPos, config))
      rejects.push(j, OrderStatus.RejectedNoNextBar);
  }

  return {
    trades: trades.list(),
    equity,
    rejectedBar: rejects.bar,
    rejectedStatus: rejects.status,
    rejectedCount: rejects.count,
  };
}

function bitsAt(signals: Signals, i: number): number {
  return (signals.longEntry[i] !== 0 ? 1 : 0) | (signals.shortEntry[i] !== 0 ? 2 : 0);
}
