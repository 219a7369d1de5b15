import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';

// A real headless Chromium (the system package, which .ci/run installs), driven by playwright-core:
// no browser download. Tests that need it skip with this message where it is absent.

const CANDIDATES = [
  process.env.FORGE_CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

export const CHROMIUM: string | undefined = CANDIDATES.find(
  (p): p is string => p !== undefined && p !== '' && fs.existsSync(p) && spawnSync(p, ['--version']).status === 0,
);

export const NO_CHROMIUM =
  'no Chromium found (install the Debian package `chromium`, as .ci/run does, or set FORGE_CHROMIUM): browser tests skipped';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--allow-file-access-from-files'],
  });
}

export interface LoadedPage {
  readonly page: Page;
  /** Every request the page made, by URL. */
  readonly requests: string[];
  /** Console errors and uncaught page errors. */
  readonly errors: string[];
}

/** Opens `file` from disk and waits for the report script to finish (window.forgeReport.ready). */
export async function openReport(browser: Browser, file: string): Promise<LoadedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('file://' + file, { waitUntil: 'load' });
  await page
    .waitForFunction('window.forgeReport !== undefined && window.forgeReport.ready === true', undefined, {
      timeout: 20_000,
    })
    .catch(() => undefined);
  return { page, requests, errors };
}

/** Runs browser-side code given as text (the project's TypeScript has no DOM types, on purpose). */
export async function inPage<T>(page: Page, expression: string): Promise<T> {
  return (await page.evaluate(expression)) as T;
}

/** What a chart drew: each series' data length (from ECharts) and the marks in its SVG (from the DOM). */
export async function chartMarks(page: Page, id: string): Promise<{ series: Record<string, number>; paths: number }> {
  return inPage(
    page,
    `(() => {
    const node = document.getElementById(${JSON.stringify(id)});
    const inst = node && window.echarts ? window.echarts.getInstanceByDom(node) : undefined;
    const series = {};
    for (const s of inst ? inst.getOption().series : []) series[s.name] = (s.data || []).length;
    return { series, paths: node ? node.querySelectorAll('svg path, svg rect').length : 0 };
  })()`,
  );
}
