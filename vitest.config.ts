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
  },
});
