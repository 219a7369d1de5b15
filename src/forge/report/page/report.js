/* global echarts */
// The report page's glue: reads the inlined JSON (build.ts) and hands each chart to ECharts (SVG
// renderer, so every mark is a DOM element a test can count). No drawing of its own, no network.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('forge-data').textContent);
  const charts = {};
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const finite = (x) => typeof x === 'number' && Number.isFinite(x);
  const pct = (x) => (finite(x) ? (x * 100).toFixed(2) + ' %' : 'n/a');
  const num = (x, d) => (finite(x) ? x.toFixed(d === undefined ? 2 : d) : 'n/a');
  const fmt = (x, unit) =>
    unit === '%'
      ? pct(x)
      : unit === 'count'
        ? finite(x)
          ? String(x)
          : 'n/a'
        : unit === 'years'
          ? num(x) + ' y'
          : num(x);
  const zip = (a, b) => a.map((x, i) => [x, b[i]]);
  const chart = (id, option) => {
    const node = $(id);
    const c = charts[id] || echarts.init(node, null, { renderer: 'svg' });
    c.setOption(option, true);
    charts[id] = c;
    return c;
  };
  const table = (node, head, rows) => {
    node.textContent = '';
    const thead = el('thead');
    const tr = el('tr');
    head.forEach((h) => {
      tr.appendChild(el('th', {}, h));
    });
    thead.appendChild(tr);
    node.appendChild(thead);
    const tbody = el('tbody');
    rows.forEach((r) => {
      const row = el('tr');
      r.forEach((cell) => {
        const td = el(
          'td',
          typeof cell === 'object' && cell !== null ? { class: cell.cls } : {},
          typeof cell === 'object' && cell !== null ? cell.text : String(cell),
        );
        row.appendChild(td);
      });
      tbody.appendChild(row);
    });
    node.appendChild(tbody);
  };
  const fillSelect = (node, items, selected) => {
    node.textContent = '';
    items.forEach((it, i) => {
      const o = el('option', { value: String(i) }, it);
      if (i === selected) o.selected = true;
      node.appendChild(o);
    });
  };

  function header() {
    const h = data.header;
    $('title').textContent = `forge ${h.kind} report: ${h.name ? h.name + ' (' + h.runId + ')' : h.runId}`;
    if (h.synthetic) $('synthetic').hidden = false;
    const facts = [
      ['run', h.name ? `${h.runId} "${h.name}"` : h.runId],
      ['kind', h.kind],
      ['dataset', h.dataset + (h.synthetic ? ' (SYNTHETIC stand-in)' : '')],
      ['play', h.play],
      ['seed', h.seed],
      ['fitness', h.objective + ' (in-sample)'],
      ['forge', h.version],
      ['written', h.created],
    ];
    table($('facts'), ['', ''], facts);
  }

  function equity(rank) {
    const e = data.evolve;
    const r = e.ranks[rank];
    const c = r.curve;
    const marks = (list, name, symbol) => ({
      name,
      type: 'scatter',
      symbol,
      symbolSize: 8,
      data: list.map((m) => ({ value: [m[0], m[1]], itemStyle: { color: m[3] ? '#1a9850' : '#d73027' } })),
    });
    const boundary =
      e.boundaryMs === null
        ? {}
        : {
            markLine: {
              symbol: 'none',
              silent: true,
              lineStyle: { color: '#555', type: 'dashed' },
              label: { formatter: 'out-of-sample \u2192' },
              data: [{ xAxis: e.boundaryMs }],
            },
            markArea: {
              silent: true,
              itemStyle: { color: 'rgba(120,120,120,0.08)' },
              data: [[{ xAxis: e.boundaryMs }, { xAxis: e.window.toMs }]],
            },
          };
    chart('equity', {
      animation: false,
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      grid: [
        { left: 80, right: 30, top: 40, height: '52%' },
        { left: 80, right: 30, top: '70%', height: '18%' },
      ],
      xAxis: [
        { type: 'time', gridIndex: 0 },
        { type: 'time', gridIndex: 1 },
      ],
      yAxis: [
        { type: 'value', gridIndex: 0, name: 'equity (cash)', scale: true },
        { type: 'value', gridIndex: 1, name: 'drawdown %', max: 0 },
      ],
      dataZoom: [{ type: 'inside', xAxisIndex: [0, 1] }],
      series: [
        Object.assign({ name: 'equity', type: 'line', showSymbol: false, data: zip(c.time, c.equity) }, boundary),
        {
          name: 'buy & hold',
          type: 'line',
          showSymbol: false,
          lineStyle: { type: 'dashed' },
          data: zip(c.time, c.buyHold),
        },
        marks(c.entries, 'entries', 'triangle'),
        marks(c.exits, 'exits', 'diamond'),
        {
          name: 'drawdown',
          type: 'line',
          showSymbol: false,
          xAxisIndex: 1,
          yAxisIndex: 1,
          areaStyle: {},
          data: zip(
            c.time,
            c.drawdown.map((d) => d * 100),
          ),
        },
      ],
    });
    const oosNote = r.noOosTrades ? ' (no out-of-sample trades: these figures say nothing)' : '';
    table(
      $('stats'),
      ['figure', 'unit', 'in-sample', 'out-of-sample' + oosNote],
      r.stats.map((s) => [s.label, s.unit, fmt(s.inSample, s.unit), fmt(s.outOfSample, s.unit)]),
    );
    $('winner-note').textContent =
      `#${r.rank}: in-sample fitness ${num(r.fitness, 4)} (generation ` +
      `${r.generation}); ${c.trades} trades over ${c.bars} bars` +
      (c.entries.length < c.trades ? ` (${c.entries.length} marked)` : '') +
      (r.noOosTrades ? '; no trade in the out-of-sample part' : '');
    table(
      $('params'),
      ['gene', 'value'],
      Object.entries(r.params).map(([k, v]) => [k, String(v)]),
    );
    $('play').textContent = r.play.join('\n');
  }

  function convergence() {
    const g = data.evolve.convergence;
    const x = g.map((p) => p.generation);
    const line = (name, key, axis) => ({
      name,
      type: 'line',
      yAxisIndex: axis,
      showSymbol: g.length < 60,
      data: zip(
        x,
        g.map((p) => p[key]),
      ),
    });
    chart('convergence', {
      animation: false,
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      grid: { left: 80, right: 140, top: 40, bottom: 40 },
      xAxis: { type: 'value', name: 'generation', minInterval: 1 },
      yAxis: [
        { type: 'value', name: 'fitness', scale: true },
        { type: 'value', name: 'diversity', position: 'right', min: 0 },
        { type: 'value', name: 'evaluations', position: 'right', offset: 60 },
      ],
      series: [
        line('best', 'best', 0),
        line('median', 'median', 0),
        line('worst', 'worst', 0),
        line('diversity', 'diversity', 1),
        line('evaluations', 'evaluations', 2),
      ],
    });
  }

  function heatmap() {
    const e = data.evolve;
    const gx = Number($('gene-x').value);
    const gy = Number($('gene-y').value);
    const [a, b] = gx < gy ? [gx, gy] : [gy, gx];
    const pair = e.heatmaps.find((p) => p.x === a && p.y === b);
    const cells = [];
    if (pair && gx !== gy) {
      pair.cells.forEach((col, i) => {
        col.forEach((v, j) => {
          if (v !== null) cells.push(gx < gy ? [i, j, v, pair.counts[i][j]] : [j, i, v, pair.counts[i][j]]);
        });
      });
    }
    const values = cells.map((c) => c[2]).filter((v) => v > -100);
    const lo = values.length ? Math.min.apply(null, values) : -1;
    const hi = values.length ? Math.max.apply(null, values) : 1;
    $('heatmap-note').textContent =
      gx === gy
        ? 'choose two different genes'
        : `${cells.length} cells with plays; colour = best in-sample fitness in the cell (grey: only infeasible plays)`;
    chart('heatmap', {
      animation: false,
      tooltip: {
        formatter: (p) =>
          `${e.genes[gx].label} ${e.genes[gx].labels[p.value[0]]}<br>${e.genes[gy].label} ` +
          `${e.genes[gy].labels[p.value[1]]}<br>best fitness ${num(p.value[2], 4)} (${p.value[3]} plays)`,
      },
      grid: { left: 140, right: 90, top: 20, bottom: 110 },
      xAxis: {
        type: 'category',
        name: e.genes[gx].label,
        nameLocation: 'middle',
        nameGap: 80,
        data: e.genes[gx].labels,
        axisLabel: { rotate: 45 },
      },
      yAxis: { type: 'category', name: e.genes[gy].label, data: e.genes[gy].labels },
      visualMap: {
        min: lo,
        max: hi === lo ? lo + 1 : hi,
        calculable: true,
        orient: 'vertical',
        right: 0,
        top: 'middle',
        outOfRange: { color: '#bbb' },
      },
      series: [{ name: 'best fitness', type: 'heatmap', data: cells }],
    });
  }

  function perGene() {
    const e = data.evolve;
    const g = Number($('gene-one').value);
    const pts = e.sample.values[g].map((v, k) => [v, e.sample.fitness[k]]);
    chart('genes', {
      animation: false,
      tooltip: { trigger: 'item' },
      grid: { left: 80, right: 30, top: 30, bottom: 50 },
      xAxis: { type: 'value', name: e.genes[g].label, nameLocation: 'middle', nameGap: 30, scale: true },
      yAxis: { type: 'value', name: 'fitness', scale: true },
      series: [{ name: e.genes[g].label, type: 'scatter', symbolSize: 4, data: pts }],
    });
  }

  function evolve() {
    const e = data.evolve;
    $('evolve').hidden = false;
    fillSelect(
      $('rank'),
      e.ranks.map((r) => `#${r.rank} (fitness ${num(r.fitness, 3)})`),
      0,
    );
    $('rank').addEventListener('change', () => equity(Number($('rank').value)));
    equity(0);
    convergence();
    $('evals-note').textContent =
      `${e.evaluations} distinct plays evaluated` + (e.failed ? `, ${e.failed} failed (left out)` : '');
    if (e.genes.length >= 2) {
      const labels = e.genes.map((g) => g.label);
      fillSelect($('gene-x'), labels, 0);
      fillSelect($('gene-y'), labels, 1);
      $('gene-x').addEventListener('change', heatmap);
      $('gene-y').addEventListener('change', heatmap);
      heatmap();
    } else $('heatmap-section').hidden = true;
    if (e.genes.length >= 1) {
      fillSelect(
        $('gene-one'),
        e.genes.map((g) => g.label),
        0,
      );
      $('gene-one').addEventListener('change', perGene);
      perGene();
    } else $('genes-section').hidden = true;
  }

  function validation() {
    const v = data.validation;
    $('validation').hidden = false;
    const rows = [];
    v.plays.forEach((p) => {
      for (const g of p.guards) {
        rows.push([
          `#${p.rank}`,
          g.name,
          g.value === null ? 'n/a' : `${num(g.value, 3)} ${g.unit}`,
          `${g.rule} ${g.threshold}`,
          { text: g.status, cls: g.status === 'PASS' ? 'pass' : g.status === 'NOT RUN' ? 'note' : 'fail' },
        ]);
      }
    });
    table($('guards'), ['play', 'guard', 'value', 'pass if', 'result'], rows);
    table(
      $('multiple'),
      ['play', 'p-value', 'BH-adjusted p', `BH @${v.alpha}`, 'deflated Sharpe', 'guards passed', 'verdict'],
      v.plays.map((p) => [
        `#${p.rank}`,
        num(p.pValue, 4),
        num(p.bhAdjusted, 4),
        p.bhSignificant ? 'yes' : 'no',
        num(p.dsr, 3),
        `${p.guardsPassed}/${p.guardsRun}`,
        { text: p.robust ? 'ROBUST' : 'NOT ROBUST', cls: p.robust ? 'pass' : 'fail' },
      ]),
    );
    $('validation-note').textContent =
      `${v.trials} plays in the multiple-testing family; in-sample ` +
      `${v.inSample.from} .. ${v.inSample.to}; seed ${v.seed}. ` +
      v.notes.join(' ');
  }

  function walkforward() {
    const w = data.walkforward;
    $('walkforward').hidden = false;
    const names = w.windows.map((x) => `#${x.index + 1}`);
    const ret = (k) => w.windows.map((x) => (x[k] === null ? null : x[k] * 100));
    chart('wf-windows', {
      animation: false,
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      grid: { left: 80, right: 30, top: 40, bottom: 40 },
      xAxis: { type: 'category', name: 'window', data: names },
      yAxis: { type: 'value', name: 'return %' },
      series: [
        { name: 'in-sample', type: 'bar', data: ret('inSampleReturn') },
        { name: 'out-of-sample', type: 'bar', data: ret('outOfSampleReturn') },
      ],
    });
    chart('wf-equity', {
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 80, right: 30, top: 30, bottom: 40 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: 'stitched out-of-sample equity', scale: true },
      series: [
        { name: 'stitched OOS equity', type: 'line', showSymbol: false, data: zip(w.stitched.time, w.stitched.equity) },
      ],
    });
    const day = (ms) => new Date(ms).toISOString().slice(0, 10);
    table(
      $('wf-table'),
      ['#', 'train', 'test', 'status', 'IS return', 'OOS return', 'IS Sharpe', 'OOS Sharpe', 'OOS trades'],
      w.windows.map((x) => [
        x.index + 1,
        `${day(x.train[0])}..${day(x.train[1])}`,
        `${day(x.test[0])}..${day(x.test[1])}`,
        x.status,
        pct(x.inSampleReturn),
        pct(x.outOfSampleReturn),
        num(x.inSampleSharpe),
        num(x.outOfSampleSharpe),
        x.outOfSampleTrades === 0 ? '0 (no OOS trades)' : x.outOfSampleTrades === null ? 'n/a' : x.outOfSampleTrades,
      ]),
    );
    const label = { robust: 'ROBUST', marginal: 'MARGINAL', 'not-robust': 'NOT ROBUST', 'no-result': 'NO RESULT' }[
      w.verdict.label
    ];
    $('verdict').textContent = `verdict: ${label} (${w.verdict.passed}/${w.verdict.total} criteria pass)`;
    $('verdict').className = w.verdict.robust ? 'pass' : 'fail';
    // As the CLI prints them: the consistency score in points, efficiency as a ratio, the rest as percentages.
    const crit = (name, x) => (name === 'minConsistency' ? num(x, 1) : name === 'minWfe' ? num(x) : pct(x));
    table(
      $('criteria'),
      ['criterion', 'value', 'threshold', 'result'],
      w.verdict.criteria.map((c) => [
        c.label,
        crit(c.name, c.value),
        `${c.op} ${crit(c.name, c.threshold)}`,
        { text: c.pass ? 'pass' : 'FAIL', cls: c.pass ? 'pass' : 'fail' },
      ]),
    );
  }

  header();
  if (data.evolve) evolve();
  if (data.validation) validation();
  if (data.walkforward) walkforward();
  window.addEventListener('resize', () => {
    for (const c of Object.values(charts)) c.resize();
  });
  // How long the page took from navigation to every chart drawn (bench/RESULTS.md reads it).
  window.forgeReport = { ready: true, charts: Object.keys(charts), readyMs: performance.now() };
})();
