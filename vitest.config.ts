import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    reporters: ['default', './tests/support/summary-reporter.ts'],
    pool: 'forks',
    // Suites over the real knowledge base build its index first (about 70 s alone on 2 cores,
    // longer while another suite builds its own): a cap, not a speed target.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Training tests are CPU-bound; two workers match the 2-core CI machine.
    maxWorkers: 2,
  },
});
