// Fault injection for the crash tests only: FORGE_TEST_CRASH_AT=<point> makes the process kill
// itself with SIGKILL at that point, so a test can check the files a kill there leaves behind.
// Unset (always, outside tests), it costs one environment lookup.

export function crashPoint(point: string): void {
  if (process.env.FORGE_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
