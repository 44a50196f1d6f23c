/**
 * The in-browser demo (examples/browser) end to end, on WebGL in headless Chromium: Vite
 * serves the page, Playwright loads it, starts training, and checks that generated samples
 * are drawn on the canvas and that mode coverage rises from zero. Runs in Node (the 'demo'
 * project of vitest.browser.config.mts). SMOOTHGAN_DEMO_SCREENSHOT=docs/demo.png also saves a
 * screenshot of the page.
 */
import { chromium, type Browser, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STEPS = 300;
const CHROME_ARGS = ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader'];

interface DemoState {
  ready: boolean;
  backend: string;
  step: number;
  msPerStep: number;
  samplesDrawn: number;
  coverage: Array<{ step: number; modesHit: number; highQualityShare: number }>;
  criticLoss: number[];
  certificateL: number | null;
  error: string | null;
}

let server: ViteDevServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  server = await createServer({
    configFile: 'examples/browser/vite.config.mts',
    // No file watching: other work in the tree must not reload the page mid-test.
    server: { port: 0, hmr: false, watch: null },
    logLevel: 'warn',
  });
  await server.listen();
  browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', headless: true, args: CHROME_ARGS });
  page = await browser.newPage({ viewport: { width: 1220, height: 1000 } });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon|Failed to load resource/.test(m.text())) consoleErrors.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const state = () => page.evaluate(() => (window as unknown as { smoothganDemo: { state: DemoState } }).smoothganDemo.state);

describe('the in-browser demo on webgl', () => {
  it(`loads, trains ${STEPS} steps, draws samples, and mode coverage rises`, async () => {
    const url = server.resolvedUrls!.local[0]!;
    await page.goto(url);
    await page.waitForFunction(() => {
      const d = (window as unknown as { smoothganDemo?: { state: DemoState } }).smoothganDemo;
      return d !== undefined && (d.state.ready || d.state.error !== null);
    }, undefined, { timeout: 60_000 });
    const before = await state();
    expect(before.error).toBeNull();
    expect(before.backend).toBe('webgl');
    expect(before.coverage[0]!.modesHit, 'the untrained generator covers no mode').toBe(0);
    expect(before.certificateL).toBeGreaterThan(0);

    await page.click('#start');
    await page.waitForFunction(
      (n) => {
        const s = (window as unknown as { smoothganDemo: { state: DemoState } }).smoothganDemo.state;
        return s.step >= n || s.error !== null;
      },
      STEPS,
      { timeout: 200_000, polling: 500 },
    );
    await page.click('#start'); // pause
    const after = await state();
    expect(after.error).toBeNull();
    expect(consoleErrors).toEqual([]);
    expect(after.step).toBeGreaterThanOrEqual(STEPS);
    expect(after.criticLoss.every(Number.isFinite)).toBe(true);

    // Samples were drawn: the counter, and orange pixels on the canvas.
    expect(after.samplesDrawn).toBeGreaterThan(0);
    const orange = await page.evaluate(() => {
      const c = document.getElementById('samples') as HTMLCanvasElement;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i]! > 200 && px[i + 1]! > 60 && px[i + 1]! < 170 && px[i + 2]! < 120) n++;
      return n;
    });
    expect(orange, 'orange (generated) pixels on the samples canvas').toBeGreaterThan(500);

    // Mode coverage rises from 0 (a mode is hit by ≥ 1% of 1024 samples within 3σ of its centre).
    // A few hundred steps find some modes; covering all 8 takes thousands (watch the live page).
    const best = Math.max(...after.coverage.map((c) => c.modesHit));
    const bestShare = Math.max(...after.coverage.map((c) => c.highQualityShare));
    console.log(
      `demo: ${after.step} steps on ${after.backend}, ${after.msPerStep.toFixed(0)} ms/step; modes hit per check ${after.coverage.map((c) => c.modesHit).join(',')}; best high-quality share ${(100 * bestShare).toFixed(1)}%`,
    );
    expect(best).toBeGreaterThanOrEqual(3);
    expect(bestShare).toBeGreaterThan(0.05);

    if (process.env.SMOOTHGAN_DEMO_SCREENSHOT) await page.screenshot({ path: process.env.SMOOTHGAN_DEMO_SCREENSHOT, fullPage: true });
  });
});
