import { defineConfig } from 'vitest/config'

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'hono/jsx' },
  test: {
    include: ['edge/**/*.test.ts', 'edge/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    // generous for a busy 2-core runner: a limit is there to stop a hang, not to time anything
    testTimeout: 90_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
})
