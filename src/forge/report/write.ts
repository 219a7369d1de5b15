import path from 'node:path';
import { writeFileAtomic } from '../atomic.js';
import type { ForgeHome } from '../home.js';
import { runFiles } from '../runs/read.js';
import { buildReport } from './build.js';
import { renderReport } from './html.js';

// `forge report` without the printing: build the data, render the page, write it atomically (a
// reader never sees half a report). The default place is the run's own folder.

export interface WrittenReport {
  readonly runId: string;
  readonly file: string;
  readonly bytes: number;
  readonly kind: string;
}

export async function writeReport(home: ForgeHome, id: string, out?: string): Promise<WrittenReport> {
  const data = await buildReport(home, id);
  const html = renderReport(data);
  const file = path.resolve(out ?? path.join(runFiles(home.runsDir, id).dir, 'report.html'));
  writeFileAtomic(file, html);
  return { runId: id, file, bytes: Buffer.byteLength(html), kind: data.header.kind };
}
