import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DuckDB files and worker threads are real; run files in forked processes to keep native state apart.
    pool: 'forks',
    // No test may reach the internet: auto-sync stays off unless a test points it at its own
    // 127.0.0.1 archive (FORGE_OFFLINE='' and FORGE_ARCHIVE_URL in that test's environment).
    env: { FORGE_OFFLINE: '1', FORGE_ARCHIVE_URL: 'http://127.0.0.1:9/' },
    // On with --coverage (CI). V8 counts only code run inside the vitest fork itself: the CLI
    // processes the tests spawn and the worker threads run dist/ JavaScript that is not measured, so
    // the figures are those of the code the tests call in-process.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // Entry files of worker threads, of the `forge worker` process and of the store's child process run
      // only there, where V8 coverage of this fork cannot see them (their code is exercised by the
      // thread, CLI, store-sync and Redis tests).
      exclude: [
        'src/**/*.test.ts',
        'src/**/*.d.ts',
        'src/forge/eval/worker.ts',
        'src/forge/validate/worker.ts',
        'src/forge/datasets/load-shared-worker.ts',
        'src/forge/runs/write-worker.ts',
        'src/forge/distributed/worker.ts',
        'src/forge/store/child-entry.ts',
      ],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      // A failing test must not hide the figures (vitest skips the report on failure by default).
      reportOnFailure: true,
      thresholds: {
        'src/engine/**': { lines: 90 },
        'src/forge/**': { lines: 80 },
      },
    },
  },
});
