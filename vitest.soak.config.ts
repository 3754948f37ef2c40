import { defineConfig } from 'vitest/config';

// `npm run soak`: long runs kept out of `npm test` (minutes, not seconds).
export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts'],
    testTimeout: 30 * 60_000,
    pool: 'forks',
  },
});
