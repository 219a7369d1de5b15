import { describe, expect, it } from 'vitest';
import { parseCandleCsv } from '../../../src/forge/store/csv.js';
import { parseIsoUtc } from '../../../src/forge/store/timestamps.js';

// Every expected time is computed by hand with Date.UTC, never from the parser's own output.
const H = 3_600_000;

function times(csv: string): number[] {
  const raw = parseCandleCsv(csv, 't.csv');
  expect(raw.bad).toEqual([]);
  return Array.from(raw.ts.subarray(0, raw.n));
}

describe('CSV header variants', () => {
  it('datetime column with +00:00 offsets (the shared crypto files)', () => {
    const raw = parseCandleCsv(
      'datetime,open,high,low,close,volume\n2022-01-01 00:00:00+00:00,46197.31,46727.17,46196.03,46657.53,1293.33\n2022-01-01 01:00:00+00:00,46657.53,46924.4,46575.95,46782.29,1063.53\n',
      't.csv',
    );
    expect(raw.n).toBe(2);
    expect(Array.from(raw.ts.subarray(0, 2))).toEqual([Date.UTC(2022, 0, 1, 0), Date.UTC(2022, 0, 1, 1)]);
    expect([raw.open[0], raw.high[0], raw.low[0], raw.close[0], raw.volume[0]]).toEqual([
      46197.31, 46727.17, 46196.03, 46657.53, 1293.33,
    ]);
    expect(Array.from(raw.lines.subarray(0, 2))).toEqual([2, 3]);
  });

  it('timestamp column with T and Z', () => {
    expect(times('timestamp,open,high,low,close,volume\n2022-01-01T05:00:00Z,1,2,1,2,3\n')).toEqual([
      Date.UTC(2022, 0, 1, 5),
    ]);
  });

  it('date column with date-only values', () => {
    expect(
      times(
        'Date,Open,High,Low,Close,Volume\n2004-08-19,100,104.06,95.96,100.34,22351900\n2004-08-20,101.01,109.08,100.5,108.31,11428600\n',
      ),
    ).toEqual([Date.UTC(2004, 7, 19), Date.UTC(2004, 7, 20)]);
  });

  it('time column with unix seconds', () => {
    expect(times('time,open,high,low,close,volume\n1640995200,1,2,1,2,3\n1640998800,1,2,1,2,3\n')).toEqual([
      Date.UTC(2022, 0, 1),
      Date.UTC(2022, 0, 1, 1),
    ]);
  });

  it('unnamed first column, no offset = UTC (GOOG/EURUSD layout)', () => {
    expect(times(',Open,High,Low,Close,Volume\n2017-04-19 09:00:00,1.0716,1.0722,1.07083,1.07219,1413\n')).toEqual([
      Date.UTC(2017, 3, 19, 9),
    ]);
  });

  it('case-insensitive names, columns in any order, extra columns ignored', () => {
    const raw = parseCandleCsv(
      'Volume,CLOSE,Adj Close,DateTime,Low,HIGH,open,trades\n7,4,99,2022-03-04 05:00:00,1,5,2,12\n',
      't.csv',
    );
    expect(raw.bad).toEqual([]);
    expect([raw.ts[0], raw.open[0], raw.high[0], raw.low[0], raw.close[0], raw.volume[0]]).toEqual([
      Date.UTC(2022, 2, 4, 5),
      2,
      5,
      1,
      4,
      7,
    ]);
  });

  it('BOM, CRLF line endings, quoted cells, trailing blank lines', () => {
    expect(times('\ufeffdatetime,open,high,low,close,volume\r\n"2022-01-01 00:00:00",1,2,1,2,3\r\n\r\n\r\n')).toEqual([
      Date.UTC(2022, 0, 1),
    ]);
  });

  it('unix milliseconds and microseconds in a header file', () => {
    expect(times('timestamp,open,high,low,close,volume\n1640995200000,1,2,1,2,3\n')).toEqual([Date.UTC(2022, 0, 1)]);
    expect(times('timestamp,open,high,low,close,volume\n1640995200000000,1,2,1,2,3\n')).toEqual([Date.UTC(2022, 0, 1)]);
  });
});

describe('Binance kline CSV (no header, 12 columns)', () => {
  const line = (t: string) =>
    `${t},46216.93,46731.39,46208.37,46656.13,1503.33,${t.slice(0, -3)}3599999,70137029.4,41200,743.5,34684.0,0`;
  it('open_time in milliseconds', () => {
    const raw = parseCandleCsv(`${line('1640995200000')}\n${line('1640998800000')}\n`, 'BTCUSDT-1h-2022-01.csv');
    expect(raw.layout).toBe('binance kline (no header)');
    expect(raw.timeFormat).toBe('unix-ms');
    expect(Array.from(raw.ts.subarray(0, raw.n))).toEqual([Date.UTC(2022, 0, 1), Date.UTC(2022, 0, 1, 1)]);
    expect([raw.open[0], raw.high[0], raw.low[0], raw.close[0], raw.volume[0]]).toEqual([
      46216.93, 46731.39, 46208.37, 46656.13, 1503.33,
    ]);
    expect(raw.lines[0]).toBe(1);
  });
  it('open_time in microseconds (Binance spot data from 2025 on)', () => {
    const raw = parseCandleCsv(`${line('1735689600000000')}\n${line('1735693200000000')}\n`, 'b.csv');
    expect(raw.timeFormat).toBe('unix-us');
    expect(Array.from(raw.ts.subarray(0, raw.n))).toEqual([Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 1, 1)]);
  });
});

describe('ISO timestamp scanner', () => {
  it('reads the accepted forms to hand-computed epoch ms', () => {
    expect(parseIsoUtc('2022-01-01 00:00:00+00:00')).toBe(Date.UTC(2022, 0, 1));
    expect(parseIsoUtc('2022-01-01T00:00:00Z')).toBe(Date.UTC(2022, 0, 1));
    expect(parseIsoUtc('2004-08-19')).toBe(Date.UTC(2004, 7, 19));
    expect(parseIsoUtc('2022-01-01 02:00:00+02:00')).toBe(Date.UTC(2022, 0, 1, 0));
    expect(parseIsoUtc('2021-12-31T19:00:00-05:00')).toBe(Date.UTC(2022, 0, 1, 0));
    expect(parseIsoUtc('2022-01-01T05:30+0530')).toBe(Date.UTC(2022, 0, 1, 0));
    expect(parseIsoUtc('2022-01-01T00:00')).toBe(Date.UTC(2022, 0, 1));
    expect(parseIsoUtc('2022-06-30T12:34:56.789Z')).toBe(Date.UTC(2022, 5, 30, 12, 34, 56, 789));
    expect(parseIsoUtc('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
  it('refuses what is not a date-time', () => {
    for (const s of [
      '2023-02-29',
      '2022-13-01',
      '2022-01-01 24:00:00',
      '01/02/2022',
      '2022-01-01X00:00',
      '2022-01-01 00:00:00+0',
      'yesterday',
      '2022-1-1',
    ]) {
      expect(parseIsoUtc(s), s).toBeNaN();
    }
  });
});

describe('line errors are collected with their line numbers', () => {
  it('names each bad line and its reason', () => {
    const raw = parseCandleCsv(
      [
        'datetime,open,high,low,close,volume',
        '2022-01-01 00:00:00,1,2,1,2,3',
        '2022-01-01 01:00:00,abc,2,1,2,3',
        '2022-01-01 02:00:00,NaN,2,1,2,3',
        '2022-01-01 03:00:00,1,2,1,2',
        '2022/01/01 04:00,1,2,1,2,3',
        '2022-01-01 05:00:00,1,2,,2,3',
        '2022-01-01 06:00:00,1,2,0,2,3',
        '2022-01-01 07:00:00,1,2,1,2,-3',
        '1641013200,1,2,1,2,3',
      ].join('\n'),
      't.csv',
    );
    expect(raw.n).toBe(1);
    expect(raw.rowsRead).toBe(9);
    expect(raw.bad.map((b) => b.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(raw.bad[0].reason).toBe("open 'abc' is not a number");
    expect(raw.bad[1].reason).toBe("open 'NaN' is not a number");
    expect(raw.bad[2].reason).toBe('5 fields, expected 6');
    expect(raw.bad[3].reason).toMatch(/unknown timestamp format '2022\/01\/01 04:00'/);
    expect(raw.bad[4].reason).toBe('low is empty');
    expect(raw.bad[5].reason).toBe('low 0 is not positive');
    expect(raw.bad[6].reason).toBe('volume -3 is negative');
    expect(raw.bad[7].reason).toMatch(/looks like unix seconds but the file's earlier rows are ISO date-times/);
  });

  it('refuses mixed unix units within one file', () => {
    const raw = parseCandleCsv(
      'timestamp,open,high,low,close,volume\n1640995200,1,2,1,2,3\n1640998800000,1,2,1,2,3\n',
      't.csv',
    );
    expect(raw.bad).toHaveLength(1);
    expect(raw.bad[0].line).toBe(3);
    expect(raw.bad[0].reason).toMatch(/milliseconds but the file's earlier rows are unix seconds/);
  });

  it('header without a time or close column is a clear error', () => {
    expect(() => parseCandleCsv('when,open,high,low,close,volume\nx,1,2,1,2,3\n', 'a.csv')).toThrow(
      /a\.csv:1: no time column/,
    );
    expect(() => parseCandleCsv('datetime,open,high,low,clos,volume\n2022-01-01,1,2,1,2,3\n', 'a.csv')).toThrow(
      /a\.csv:1: no 'close' column.*'clos'/,
    );
  });

  it('a file with nothing but a header (or nothing) is empty', () => {
    expect(() => parseCandleCsv('datetime,open,high,low,close,volume\n', 'e.csv')).toThrow(/e\.csv: no data rows/);
    expect(() => parseCandleCsv('', 'e.csv')).toThrow(/e\.csv: no data rows/);
  });
});

describe('a large file', () => {
  // Parse speed is a bench figure (bench/RESULTS.md), never a timed assertion: a shared machine makes those flaky.
  it('parses 36,577 lines completely', () => {
    const lines = ['datetime,open,high,low,close,volume'];
    for (let i = 0; i < 36_577; i++) {
      lines.push(
        `${new Date(Date.UTC(2022, 0, 1) + i * H).toISOString().slice(0, 19).replace('T', ' ')}+00:00,${100 + (i % 50)}.25,${151 + (i % 50)}.5,${50 + (i % 50)}.75,${120 + (i % 30)}.125,${i}.5`,
      );
    }
    const text = lines.join('\n');
    const raw = parseCandleCsv(text, 'big.csv');
    expect(raw.n).toBe(36_577);
    expect(raw.ts[36_576]).toBe(Date.UTC(2022, 0, 1) + 36_576 * H);
    expect(raw.volume[36_576]).toBe(36_576.5);
  });
});
