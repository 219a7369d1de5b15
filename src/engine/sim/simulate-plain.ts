import type { Feed } from '../types.js';
import { ExitReason, OrderStatus, type SimConfig, type SimResult } from './types.js';
import { positionUnits } from './sizing.js';
import { TradeBuffer, RejectBuffer, type SimScratch } from './trades.js';
import { sharedEquityAcc, walk, type QuietInput } from './equity-run.js';
import { allFinite, bitsAt, nextSetBit, noInfinity, type MaskSignals } from './bits.js';

/**
 * simulate() for plays without stop-loss, take-profit, trailing stop or time stop: the same rules and
 * the same arithmetic, in the same order, as the general loop in simulate.ts (a test runs both on
 * random inputs and compares every number bit for bit). Only the bar loop is shaped for speed: a bar
 * takes the complete step below only when something may happen on it (a signal bit at the bar before,
 * the first two bars, the last bar); the bars in between are found by scanning the signal bitsets a
 * word at a time (nextSetBit) and only mark equity. Flat, they change nothing but the bar count
 * (EquityAcc.repeat) when the close is finite; in a position they run walk() (equity-run.ts), a tight
 * loop that stops early at a liquidation. When flat only entries can act, so exit bits are not looked
 * for.
 *
 * Without stops the general loop's stop and target sit at -/+Infinity, so its per-bar exit check
 * can fire only on an infinite open, high or low; such bars take the complete step, which keeps that
 * check (stopExit). Whether a feed has such prices at all is scanned once per range and remembered
 * (noInfinity).
 *
 * The equity curve's sums (EquityStats) are accumulated on the way, so the metrics need no second
 * pass over the curve, and with a scratch whose keepEquity is false the curve is not stored at all.
 * Inputs are validated by the caller.
 */
export function simulatePlain(feed: Feed, signals: MaskSignals, config: SimConfig, scratch?: SimScratch): SimResult {
  const n = feed.length;
  const last = n - 1;
  const open = feed.open;
  const high = feed.high;
  const low = feed.low;
  const close = feed.close;
  const feeRate = config.feeBps / 1e4;
  const slip = config.slippageBps / 1e4;
  const sizing = config.sizing;
  const allowLong = config.allowLong;
  const allowShort = config.allowShort;
  const onOpposite = config.exits.onOpposite;
  const endAtOpen = config.endOfDataFill === 'open';
  // Without an infinite open, high or low the stop check below can never fire: skip its three loads.
  const finite = noInfinity(open, n) && noInfinity(high, n) && noInfinity(low, n);
  const closeFinite = allFinite(close, n);
  const off = signals.offset;
  const le = signals.longEntry;
  const se = signals.shortEntry;
  // Flat, only an entry bit can act; in a position an exit bit too (scanned as a second pair).
  const lx = signals.longExit;
  const sx = signals.shortExit;

  const keep = scratch === undefined || scratch.keepEquity;
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
  let bust = false;
  let lastPos = 0;
  const acc = sharedEquityAcc();
  const num = new Float64Array(2);
  const x: QuietInput = { close, open, high, low, equity: keep ? equity : null, num };

  for (let j = 0; j < n; j++) {
    // Bars 0 and 1, the last bar and every bar after a signal take the complete step; the runs of
    // bars in between, where nothing can happen, only mark equity.
    if (j >= 2 && j < last) {
      // The next bar whose signal bar (the one before) has a bit that can act; bust ignores signals.
      let e = last;
      if (!bust) {
        const from = j - 1 + off;
        const to = last - 1 + off;
        let sig = nextSetBit(le, se, from, to);
        if (pos !== 0 && lx !== null) sig = nextSetBit(lx, sx, from, sig);
        else if (pos !== 0 && sx !== null) sig = nextSetBit(sx, null, from, sig);
        e = sig - off + 1;
      }
      if (e > j) {
        if (pos === 0 && closeFinite && cash > 0) {
          // Flat: eq = cash + 0 * close[j] = cash on every bar.
          if (keep) equity.fill(cash, j, e);
          acc.repeat(cash, e - j);
          j = e;
        } else {
          num[0] = cash;
          num[1] = pos * units;
          j = walk(acc, x, j, e, pos !== 0, !finite && pos !== 0);
        }
      }
    }
    const s = j - 1;
    // The complete step: the general loop's bar, without the stop rules.
    let eq: number;
    if (j > 0 && !bust) {
      const bits = bitsAt(signals, s);
      const le = (bits & 1) !== 0;
      const se = (bits & 2) !== 0;
      let exitReason = -1;
      let enterDir = 0;
      if (pos === 1) {
        if (onOpposite && se && !le) {
          exitReason = ExitReason.Opposite;
          if (allowShort) enterDir = -1;
        } else if ((bits & 4) !== 0) exitReason = ExitReason.Signal;
      } else if (pos === -1) {
        if (onOpposite && le && !se) {
          exitReason = ExitReason.Opposite;
          if (allowLong) enterDir = 1;
        } else if ((bits & 8) !== 0) exitReason = ExitReason.Signal;
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
          // No stop-loss: risk sizing is refused by validation, so the result is units or 0.
          const u = positionUnits(sizing, cash, px, feeRate, NaN);
          if (u === 0) rejects.push(j, OrderStatus.RejectedInsufficientCash);
          else if (u < 0) rejects.push(j, OrderStatus.RejectedNoStopDistance);
          else {
            const fee = u * px * feeRate;
            cash -= enterDir * u * px + fee;
            pos = enterDir;
            units = u;
            entryPrice = px;
            entryBar = j;
            entryFee = fee;
          }
        }
      }
    }

    if (endAtOpen && j === last && pos !== 0) {
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
      !finite &&
      pos !== 0 &&
      (open[j] === Infinity || open[j] === -Infinity || high[j] === Infinity || low[j] === -Infinity)
    ) {
      const px = stopExit(pos, open[j], high[j], low[j], slip);
      if (px === px) {
        const fee = units * px * feeRate;
        cash += pos * units * px - fee;
        tn[0] = entryPrice;
        tn[1] = px;
        tn[2] = units;
        tn[3] = entryFee + fee;
        trades.close(pos, entryBar, j, stopReason(pos, open[j], high[j], low[j]));
        pos = 0;
      }
    }

    eq = cash + pos * units * close[j];
    if (j === last && !endAtOpen) lastPos = pos;
    if (pos !== 0 && (j === last || eq <= 0)) {
      const c = close[j];
      const px = pos === 1 ? c * (1 - slip) : c * (1 + slip);
      const fee = units * px * feeRate;
      cash += pos * units * px - fee;
      tn[0] = entryPrice;
      tn[1] = px;
      tn[2] = units;
      tn[3] = entryFee + fee;
      trades.close(pos, entryBar, j, j === last ? ExitReason.EndOfData : ExitReason.Liquidation);
      pos = 0;
      eq = cash;
      if (eq <= 0) bust = true;
    }
    if (j === last && !bust && wouldOpen(bitsAt(signals, j), lastPos, config))
      rejects.push(j, OrderStatus.RejectedNoNextBar);

    if (keep) equity[j] = eq;
    acc.add(eq);
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

/**
 * The general loop's exit check with the stop at -Infinity (long) / +Infinity (short) and the target
 * at +/-Infinity: the fill price, NaN when nothing fills. Same comparisons in the same order.
 */
function stopExit(pos: number, o: number, h: number, l: number, slip: number): number {
  if (pos === 1) {
    if (o <= -Infinity) return o * (1 - slip);
    if (o >= Infinity) return o;
    if (l <= -Infinity) return -Infinity * (1 - slip);
    if (h >= Infinity) return Infinity;
    return NaN;
  }
  if (o >= Infinity) return o * (1 + slip);
  if (o <= -Infinity) return o;
  if (h >= Infinity) return Infinity * (1 + slip);
  if (l <= -Infinity) return -Infinity;
  return NaN;
}

function stopReason(pos: number, o: number, h: number, l: number): number {
  const hitStop =
    pos === 1
      ? o <= -Infinity || (!(o >= Infinity) && l <= -Infinity)
      : o >= Infinity || (!(o <= -Infinity) && h >= Infinity);
  return hitStop ? ExitReason.StopLoss : ExitReason.TakeProfit;
}

/**
 * Whether the last bar's signals (bitsAt bits) ask to open a position (entry or reversal), which has no
 * next open to fill at.
 */
export function wouldOpen(bits: number, pos: number, config: SimConfig): boolean {
  const le = (bits & 1) !== 0;
  const se = (bits & 2) !== 0;
  if (le === se) return false;
  if (pos === 0) return le ? config.allowLong : config.allowShort;
  if (!config.exits.onOpposite) return false;
  return pos === 1 ? se && config.allowShort : le && config.allowLong;
}
