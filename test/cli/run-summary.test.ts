import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEvolveConfig } from '../../src/forge/evolve/config.js';
import { startEvolve } from '../../src/forge/evolve/run.js';
import { forgeHome } from '../../src/forge/home.js';
import type { HallOfFameEntry } from '../../src/forge/runs/types.js';
import { hallOfFameTable } from '../../src/cli/summaries/evolve.js';
import { REPO, forgeCli, freshHome } from '../helpers/cli.js';

// What a new user saw wrong in the run summaries (issue 13 point 4): a resumed run mixed this
// session's figures with the run's totals, a finished run shown again said "evaluated in 0s", and a
// hall-of-fame entry with no out-of-sample trade showed 0 % figures as if they meant something.

const PLAY = path.join(REPO, 'configs/plays/default.yaml');
let home: string;
let id: string;
let firstSession: number;

beforeAll(async () => {
  home = freshHome('forge-cli-summary-');
  // One generation, then a stop request: a run paused half-way, deterministically (no time budget).
  const { config, operational } = resolveEvolveConfig(
    {},
    {
      dataset: 'TEST_SMALL',
      play: PLAY,
      seed: '7',
      fitness: { minTrades: 1 },
      ga: { population: 12, generations: 3 },
      workers: 1,
    },
    PLAY,
  );
  let generations = 0;
  const events = { warn: () => undefined, start: () => undefined, generation: () => void generations++ };
  const o = await startEvolve(forgeHome(home), config, operational, events, { stopRequested: () => generations >= 1 });
  expect(o.status).toBe('interrupted');
  id = o.runId;
  firstSession = o.evaluations;
}, 300_000);

afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('evolve summaries', () => {
  it("a resumed run tells this session's figures apart from the run's totals", () => {
    const r = forgeCli(['evolve', '--resume', id, '--workers', '1', '--home', home]);
    expect(r.code, r.stderr).toBe(0);
    const session = r.stdout.match(/this session: generations 2\.\.3 \(2\), (\d+) plays evaluated in \S+/);
    const totals = r.stdout.match(/run totals: +3 generations, (\d+) distinct plays evaluated/);
    expect(session, r.stdout).not.toBeNull();
    expect(totals, r.stdout).not.toBeNull();
    // The totals are the first session's plays plus this one's (evolve evaluates each distinct play once).
    expect(Number(totals![1])).toBe(firstSession + Number(session![1]));
    const stats = JSON.parse(fs.readFileSync(path.join(home, 'runs', id, 'generations.json'), 'utf8')) as {
      evaluated: number;
    }[];
    expect(Number(totals![1])).toBe(stats.reduce((s, g) => s + g.evaluated, 0));
  });

  it('a finished run shown again says no time or speed', () => {
    const r = forgeCli(['evolve', '--resume', id, '--workers', '1', '--home', home]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/this run had already finished \(3 generations\)/);
    expect(r.stdout).not.toMatch(/evaluated in/);
    expect(r.stdout).not.toMatch(/evaluations\/s/);
    expect(r.stdout).not.toMatch(/this session/);
  });
});

describe('hall-of-fame table', () => {
  const metrics = (trades: number) => ({
    totalReturn: 0,
    cagr: 0,
    returnAnn: 0,
    sharpe: NaN,
    sortino: NaN,
    calmar: NaN,
    maxDrawdown: 0,
    winRate: NaN,
    profitFactor: NaN,
    trades,
    exposure: 0,
    buyHoldReturn: 0.1,
    finalEquity: 10_000,
    barsPerYear: 8760,
    years: 0.1,
  });
  const entry = (rank: number, oosTrades: number): HallOfFameEntry => ({
    rank,
    fitness: 1,
    generation: 0,
    genome: [],
    params: {},
    play: [],
    inSample: metrics(12),
    outOfSample: metrics(oosTrades),
  });

  it('says so beside the figures of an entry with no out-of-sample trade, and only there', () => {
    const lines = hallOfFameTable([entry(1, 0), entry(2, 3)]).split('\n');
    expect(lines[2]).toMatch(/^1 .*0 \(no OOS trades/);
    expect(lines[3]).toMatch(/^2 .* 3$/);
    expect(lines[3]).not.toMatch(/no OOS trades/);
  });
});
