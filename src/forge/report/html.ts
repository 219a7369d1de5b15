import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { ReportData } from './types.js';

// The report as ONE self-contained HTML file: the chart library, the page's glue script, its styles
// and the data are all inlined, so it opens from disk with no network. The library is read from
// node_modules when the report is written (npm installs it; nothing is fetched at run time).

const require = createRequire(import.meta.url);
/** Apache ECharts' minified build: heatmap, parallel axes, mark lines and an SVG renderer in one file. */
const CHART_LIBRARY = require.resolve('echarts/dist/echarts.min.js');
/** The page's own files, beside this module's source (src/ or, from dist/, the same src/ in the package). */
const PAGE_DIR = new URL('../../../src/forge/report/page/', import.meta.url);
// Inline script and style only, no network: the page must open offline from a single file.
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
const STATS_AND_GENES =
  '<div class="row"><div><h3>Statistics</h3><table id="stats"></table></div>' +
  '<div><h3>Genes</h3><table id="params"></table></div></div>';

/** JSON safe inside <script>: no `</script>` or `<!--` can close or comment it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
/** A script's text must not hold `</script`: the library's never does, and this keeps it so. */
const inlineScript = (code: string) => code.replace(/<\/script/gi, '<\\/script');

export function renderReport(data: ReportData): string {
  const library = fs.readFileSync(CHART_LIBRARY, 'utf8');
  const glue = fs.readFileSync(new URL('report.js', PAGE_DIR), 'utf8');
  const css = fs.readFileSync(new URL('report.css', PAGE_DIR), 'utf8');
  const h = data.header;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>forge report ${escapeHtml(h.name ?? h.runId)}</title>
<style>${css}</style>
</head>
<body>
<div id="synthetic" hidden>SYNTHETIC DATA</div>
<h1 id="title"></h1>
<table id="facts"></table>
<section id="evolve" hidden>
<h2>Winner: equity, drawdown and trades</h2>
<label>hall-of-fame entry <select id="rank"></select></label>
<p id="winner-note" class="note"></p>
<div id="equity" class="chart"></div>
${STATS_AND_GENES}
<h3>Play</h3><pre id="play"></pre>
<h2>GA convergence</h2>
<p id="evals-note" class="note"></p>
<div id="convergence" class="chart"></div>
<div id="heatmap-section"><h2>Parameter heatmap</h2>
<label>x <select id="gene-x"></select></label> <label>y <select id="gene-y"></select></label>
<p id="heatmap-note" class="note"></p>
<div id="heatmap" class="chart"></div></div>
<div id="genes-section"><h2>Fitness by gene</h2>
<label>gene <select id="gene-one"></select></label>
<div id="genes" class="chart"></div></div>
</section>
<section id="validation" hidden>
<h2>Validation</h2>
<p id="validation-note" class="note"></p>
<table id="guards"></table>
<h3>Multiple testing</h3>
<table id="multiple"></table>
</section>
<section id="walkforward" hidden>
<h2>Walk-forward</h2>
<p id="verdict"></p>
<table id="criteria"></table>
<div id="wf-windows" class="chart"></div>
<h3>Stitched out-of-sample equity</h3>
<div id="wf-equity" class="chart"></div>
<table id="wf-table"></table>
</section>
<script type="application/json" id="forge-data">${scriptJson(data)}</script>
<script>${inlineScript(library)}</script>
<script>${inlineScript(glue)}</script>
</body>
</html>
`;
}
