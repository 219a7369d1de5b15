import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream';

// One GET to a file, streamed to disk, with an idle timeout (a server that stops sending mid-body
// is a timeout too, not a hang) and a typed outcome the retry loop can act on.

export type GetResult =
  | { kind: 'ok'; bytes: number }
  | { kind: 'status'; status: number }
  /** Retryable: timeout, reset, body shorter than Content-Length. */
  | { kind: 'transient'; why: string }
  /** The host cannot be reached at all: DNS failure, connection refused, no route. */
  | { kind: 'unreachable'; why: string }
  | { kind: 'local'; error: Error };

const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN']);

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export function httpGet(
  url: string,
  dest: string,
  o: { timeoutMs: number; onBytes?: (n: number) => void },
  hops = 0,
): Promise<GetResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: GetResult) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    let redirected = false;
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { headers: { 'user-agent': 'forge-data-fetch' } }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location !== undefined && hops < MAX_REDIRECTS) {
        // Mirrors and CDNs may redirect to the file's real place.
        redirected = true;
        res.resume();
        httpGet(new URL(location, url).toString(), dest, o, hops + 1).then(finish);
        return;
      }
      if (status !== 200) {
        res.resume();
        finish({ kind: 'status', status });
        return;
      }
      const expected = Number(res.headers['content-length'] ?? NaN);
      const out = fs.createWriteStream(dest);
      let bytes = 0;
      let localError: Error | undefined;
      out.on('error', (err) => (localError = err));
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        o.onBytes?.(chunk.length);
      });
      pipeline(res, out, (err) => {
        // A local write error (disk full, permissions) is not the network's fault: no retry.
        if (localError !== undefined) finish({ kind: 'local', error: localError });
        else if (err)
          finish({
            kind: 'transient',
            why: err.message === 'aborted' ? 'the connection closed mid-file' : err.message,
          });
        else if (Number.isFinite(expected) && bytes !== expected)
          finish({ kind: 'transient', why: `received ${bytes} of ${expected} bytes` });
        else finish({ kind: 'ok', bytes });
      });
    });
    req.setTimeout(o.timeoutMs, () => {
      if (redirected) return; // the redirected request has its own timeout
      req.destroy();
      finish({ kind: 'transient', why: `no data for ${o.timeoutMs / 1000} s (timeout)` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== undefined && UNREACHABLE.has(err.code))
        finish({ kind: 'unreachable', why: `${err.code} ${err.message}` });
      else finish({ kind: 'transient', why: err.code ?? err.message });
    });
  });
}
