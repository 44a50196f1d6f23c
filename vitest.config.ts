import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { families } from './tsup.config';

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

/**
 * Tests import the public entry points (`smoothgan`, `smoothgan/<family>`), resolved to the
 * sources. The backend comes from SMOOTHGAN_BACKEND (cpu | wasm); `npm test` runs both.
 */
export default defineConfig({
  resolve: {
    alias: [
      ...families.map((f) => ({ find: `smoothgan/${f}`, replacement: src(`${f}/index.ts`) })),
      { find: 'smoothgan/register', replacement: src('register.ts') },
      { find: /^smoothgan$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    typecheck: { enabled: false },
  },
});
