import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests spawn the real binary; two cores, so keep the pool small.
    poolOptions: {forks: {maxForks: 2, minForks: 1}},
    pool: 'forks',
  },
})
