import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { fileURLToPath } from 'node:url';
import { families } from './tsup.config.ts';

/**
 * The browser suite (`npm run test:browser`): project 'browser' runs test/browser/*.browser.ts
 * in headless Chromium (Debian's /usr/bin/chromium, or CHROME_PATH), on the webgl backend and,
 * for a small subset, webgpu, each compared with the cpu backend in the same page; project
 * 'demo' runs test/browser/*.e2e.ts in Node (the in-browser demo, driven by Playwright).
 * The Node config (vitest.config.ts) stays separate.
 * Launch flags and pitfalls: docs/backends.md.
 */
const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

const CHROME_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader', // software WebGL 2 (SwiftShader), without the deprecation warning
  '--enable-unsafe-webgpu', // exposes SwiftShader's WebGPU adapter
];

export default defineConfig({
  resolve: {
    alias: [
      ...families.map((f) => ({ find: `smoothgan/${f}`, replacement: src(`${f}/index.ts`) })),
      { find: 'smoothgan/register', replacement: src('register.ts') },
      { find: /^smoothgan$/, replacement: src('index.ts') },
    ],
  },
  server: { host: '127.0.0.1' },
  optimizeDeps: {
    // Pre-bundled up front, so that Vite does not reload the page mid-run on a fresh cache.
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-core/dist/register_all_gradients',
      '@tensorflow/tfjs-layers',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      'fast-check',
    ],
  },
  test: {
    provide: {
      smoothganBackends: (process.env.SMOOTHGAN_BROWSER_BACKENDS ?? 'webgl,webgpu').split(',').filter(Boolean),
      smoothganReport: Boolean(process.env.SMOOTHGAN_BROWSER_REPORT),
    },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser.ts'],
          sequence: { groupOrder: 0 },
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
                args: CHROME_ARGS,
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        // The demo's end-to-end test drives its own Vite server and Chromium from Node.
        extends: true,
        test: {
          name: 'demo',
          include: ['test/browser/**/*.e2e.ts'],
          environment: 'node',
          sequence: { groupOrder: 1 },
          testTimeout: 240_000,
        },
      },
    ],
  },
});
