import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

/**
 * The in-browser demo: `npx vite --config examples/browser/vite.config.mts` (dev server) or
 * `npx vite build --config examples/browser/vite.config.mts` (static files in
 * examples/browser/dist). The page imports the package by its public entry points
 * (`smoothgan/<family>`), which resolve to the library's sources here, so no build of the
 * library is needed first.
 */
const src = fileURLToPath(new URL('../../src', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [{ find: /^smoothgan\/(\w+)$/, replacement: `${src}/$1/index.ts` }],
  },
  server: { host: '127.0.0.1' },
  optimizeDeps: {
    include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-webgl'],
  },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 }, // tfjs is ~1.2 MB
});
