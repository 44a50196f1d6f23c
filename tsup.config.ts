import { defineConfig } from 'tsup';

/**
 * One entry per family so that each has its own subpath export, plus `register`,
 * the only entry with side effects. tfjs stays external: it is a peer dependency.
 */
export const families = [
  'autodiff',
  'losses',
  'divergences',
  'metrics',
  'layers',
  'bounds',
  'regularizers',
  'objectives',
  'train',
  'node',
] as const;

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    register: 'src/register.ts',
    ...Object.fromEntries(families.map((f) => [f, `src/${f}/index.ts`])),
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  treeshake: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tensorflow\//, /^node:/],
});
