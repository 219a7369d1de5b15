import type { Feed } from '../types.js';
import { ExitReason, OrderStatus, type SimConfig, type SimResult, type Signals, type StopSpec } from './types.js';
import { positionUnits, NO_STOP_DISTANCE } from './sizing.js';
import { TradeBuffer, RejectBuffer, type SimScratch } from './trades.js';
import { simulatePlain, wouldOpen } from './simulate-plain.js';
import { sharedEquityAcc, walk } from './equity-run.js';
import {
  allFinite,
  bitAt,
  bitsAt,
  isMaskSignals,
  nextSetBit,
  noInfinity,
  packSignals,
  type MaskSignals,
} from './bits.js';
import { hold, H_ABS, H_CASH, H_EXT, H_K, H_PCT, H_STOP, H_TARGET, type HoldInput } from './hold.js';
import { validateSimInput } from './validate.js';
import { primeSimulator } from './prime.js';
import { ohlcOrdered } from './ohlc-order.js';

const NONE = 0;
const PCT = 1;
const ATR = 2;
const kindOf = (s: StopSpec | undefined): number => (s === undefined ? NONE : s.kind === 'pct' ? PCT : ATR);

/**
 * One backtest of one position at a time (no pyramiding, no hedging). Timing, exactly:
 * - signals at bar i are decided at i's close on the position held at that close, and fill at bar
 *   i+1's open, moved against us by `slippageBps`;
 * - an opposite entry (when `exits.onOpposite`) closes and, if that side may trade, reverses in the
 *   same fill; an explicit exit closes without reversing; an entry while in the same side is ignored;
 *   long and short entries on the same bar cancel out;
 * - stop-loss, take-profit and trailing stop are checked from the fill bar on against the bar's
 *   open/high/low in this order: a gap through the stop fills at the open, a gap through the target
 *   fills at the open, the stop (at its price), the target (at its price). So when both lie inside one
 *   bar the stop is assumed first. Stops are market orders (slippage applies); the target is a limit
 *   order (filled at its price, no slippage). The trailing stop trails the best high (long) or low
 *   (short) of the bars BEFORE the current one, starting from the fill price: a bar's own high never
 *   raises the stop that bar's low is tested against (no optimistic intrabar ordering);
 * - the time stop closes at the open of bar entryBar + timeStopBars;
 * - fees (`feeBps`) on each fill's notional; a position still open is closed at the last bar's close
 *   (or its open with `endOfDataFill: 'open'`, backtesting.py's convention);
 * - equity[i] = cash + position marked at close[i]. If equity reaches zero or below the position is
 *   liquidated at that close and nothing more is traded.
 * Orders that cannot be filled are recorded in rejectedBar/rejectedStatus; nothing is thrown inside
 * the loop. Stop distances in ATR multiples use atr[i] of the signal bar i.
 *
 * Plays without stops or time stop run through simulatePlain (simulate-plain.ts), the same rules in a
 * loop shaped for that case. Signals come as 0/1 bytes (Signals) or as the bitsets the rule kernels
 * produce (MaskSignals, src/engine/sim/bits.ts); both loops read bitsets. With `scratch` the result's
 * arrays are the scratch's buffers, valid until its next use (for callers that only read the figures,
 * like the GA's evaluator).
 */
export function simulate(
  feed: Feed,
  signals: Signals | MaskSignals,
  config: SimConfig,
  atr?: Float64Array,
  scratch?: SimScratch,
): SimResult {
  validateSimInput(feed, signals, config, atr);
  const masks = isMaskSignals(signals) ? signals : packSignals(signals);
  if (isPlain(config)) return simulatePlain(feed, masks, config, scratch);
  return generalLoop(feed, masks, config, atr, scratch);
}

/** Whether simulate() runs `config` through the plain loop (no stops, no time stop). */
export function isPlain(config: SimConfig): boolean {
  const ex = config.exits;
  return (
    ex.stopLoss === undefined &&
    ex.takeProfit === undefined &&
    ex.trailingStop === undefined &&
    ex.timeStopBars === undefined
  );
}

/** simulate() always through the general loop (tests compare it with the specialised one). */
export function simulateGeneral(
  feed: Feed,
  signals: Signals | MaskSignals,
  config: SimConfig,
  atr?: Float64Array,
  scratch?: SimScratch,
): SimResult {
  validateSimInput(feed, signals, config, atr);
  return generalLoop(feed, isMaskSignals(signals) ? signals : packSignals(signals), config, atr, scratch);
}

function generalLoop(
  feed: Feed,
  signals: MaskSignals,
  config: SimConfig,
  atr: Float64Array | undefined,
  scratch: SimScratch | undefined,
): SimResult {
  const n = feed.length;
  const open = feed.open;
  const high = feed.high;
  const low = feed.low;
  const close = feed.close;
  const longEntry = signals.longEntry;
  const shortEntry = signals.shortEntry;
  const longExit = signals.longExit;
  const shortExit = signals.shortExit;
  const off = signals.offset;
  const closeFinite = allFinite(close, n);
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

  // The curve's sums are accumulated on the way, so the metrics need no pass over it for them; with
  // a scratch the curve is stored only if the scratch asks for it.
  const keep = scratch === undefined || scratch.keepEquity;
  const acc = sharedEquityAcc();
  const equity = scratch === undefined ? new Float64Array(n) : scratch.equity(keep ? n : 0);
  const trades = scratch === undefined ? new TradeBuffer(64) : scratch.trades;
  const rejects = scratch === undefined ? new RejectBuffer(16) : scratch.rejects;
  trades.reset();
  const tn = trades.num; // the prices of the trade trades.close() records (see TradeBuffer.num)
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
  const num = new Float64Array(7);
  const held: HoldInput = { open, high, low, close, equity: keep ? equity : null, num };
  const finite = hasStops || (noInfinity(open, n) && noInfinity(high, n) && noInfinity(low, n));
  // Finite, ordered bars let hold() scan fewer columns (hold.ts); asked once per feed and remembered.
  const ordered = hasStops && ohlcOrdered(open, high, low, close, n);

  for (let j = 0; j < n; j++) {
    // Bars where no signal and no time stop can act are found by scanning the signal bitsets; flat,
    // they change nothing (eq = cash + 0 * close[j] = cash): the curve is filled and the stats only
    // count them; in a position, hold() (or walk() without stops) runs the stop tests and the equity
    // mark and returns at the first bar where something happens, which takes the complete step.
    if (!bust && j > 0 && j < n - 1) {
      if (pos === 0) {
        const e = closeFinite && cash > 0 ? nextSetBit(longEntry, shortEntry, j - 1 + off, n - 2 + off) - off + 1 : j;
        if (e > j) {
          if (keep) equity.fill(cash, j, e);
          acc.repeat(cash, e - j);
          j = e;
        }
      } else {
        const to = n - 2 + off;
        let sig = nextSetBit(longEntry, shortEntry, j - 1 + off, to);
        if (longExit !== null) sig = nextSetBit(longExit, shortExit, j - 1 + off, sig);
        else if (shortExit !== null) sig = nextSetBit(shortExit, null, j - 1 + off, sig);
        let e = sig - off + 1;
        if (timeStop > 0 && entryBar + timeStop < e) e = entryBar + timeStop;
        if (e > j) {
          num[H_CASH] = cash;
          num[H_K] = pos * units;
          if (hasStops) {
            num[H_STOP] = stopPx;
            num[H_TARGET] = targetPx;
            num[H_EXT] = trailExt;
            num[H_PCT] = trailPct;
            num[H_ABS] = trailAbs;
            j = hold(acc, held, j, e, pos, trKind !== NONE, ordered);
            trailExt = num[H_EXT];
          } else j = walk(acc, held, j, e, true, !finite);
        }
      }
    }
    if (j > 0 && !bust) {
      const s = j - 1;
      const le = bitAt(longEntry, s + off) !== 0;
      const se = bitAt(shortEntry, s + off) !== 0;
      let exitReason = -1;
      let enterDir = 0;
      if (pos === 1) {
        if (onOpposite && se && !le) {
          exitReason = ExitReason.Opposite;
          if (allowShort) enterDir = -1;
        } else if (longExit !== null && bitAt(longExit, s + off) !== 0) exitReason = ExitReason.Signal;
        else if (timeStop > 0 && j - entryBar >= timeStop) exitReason = ExitReason.TimeStop;
      } else if (pos === -1) {
        if (onOpposite && le && !se) {
          exitReason = ExitReason.Opposite;
          if (allowLong) enterDir = 1;
        } else if (shortExit !== null && bitAt(shortExit, s + off) !== 0) exitReason = ExitReason.Signal;
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
          tn[0] = entryPrice;
          tn[1] = px;
          tn[2] = units;
          tn[3] = entryFee + fee;
          trades.close(pos, entryBar, j, exitReason);
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
      tn[0] = entryPrice;
      tn[1] = px;
      tn[2] = units;
      tn[3] = entryFee + fee;
      trades.close(pos, entryBar, j, ExitReason.EndOfData);
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
        tn[0] = entryPrice;
        tn[1] = px;
        tn[2] = units;
        tn[3] = entryFee + fee;
        trades.close(pos, entryBar, j, reason);
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
      tn[0] = entryPrice;
      tn[1] = px;
      tn[2] = units;
      tn[3] = entryFee + fee;
      trades.close(pos, entryBar, j, j === n - 1 ? ExitReason.EndOfData : ExitReason.Liquidation);
      pos = 0;
      eq = cash;
      if (eq <= 0) bust = true;
    }
    if (keep) equity[j] = eq;
    acc.add(eq);
    // Inside the loop on purpose: a compare after a hot loop made V8 deoptimise its OSR code on every call.
    if (j === n - 1 && !bust && wouldOpen(bitsAt(signals, j) & 3, lastPos, config))
      rejects.push(j, OrderStatus.RejectedNoNextBar);
  }

  return {
    trades: trades.list(),
    equity,
    rejectedBar: rejects.bar,
    rejectedStatus: rejects.status,
    rejectedCount: rejects.count,
    equityStats: acc.stats(),
  };
}

// Complete type feedback before the first long call (see prime.ts).
primeSimulator(simulate);
