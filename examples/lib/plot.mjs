/**
 * Minimal PNG plotting for the examples (no native dependencies): scatter panels, line
 * charts and image grids, drawn into an RGBA raster and written with pngjs. Text uses a
 * built-in 5×7 bitmap font (upper case, digits and a few symbols).
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

// 5×7 glyphs, one string of 7 rows × 5 bits each.
const FONT = {
  A: '01110100011000111111100011000110001', B: '11110100011000111110100011000111110', C: '01110100011000010000100001000101110',
  D: '11110100011000110001100011000111110', E: '11111100001000011110100001000011111', F: '11111100001000011110100001000010000',
  G: '01110100011000010111100011000101111', H: '10001100011000111111100011000110001', I: '01110001000010000100001000010001110',
  J: '00111000100001000010000101001001100', K: '10001100101010011000101001001010001', L: '10000100001000010000100001000011111',
  M: '10001110111010110101100011000110001', N: '10001100011100110101100111000110001', O: '01110100011000110001100011000101110',
  P: '11110100011000111110100001000010000', Q: '01110100011000110001101011001001101', R: '11110100011000111110101001001010001',
  S: '01111100001000001110000010000111110', T: '11111001000010000100001000010000100', U: '10001100011000110001100011000101110',
  V: '10001100011000110001100010101000100', W: '10001100011000110101101011010101010', X: '10001100010101000100010101000110001',
  Y: '10001100010101000100001000010000100', Z: '11111000010001000100010001000011111',
  0: '01110100011001110101110011000101110', 1: '00100011000010000100001000010001110', 2: '01110100010000100010001000100011111',
  3: '11111000100010000010000011000101110', 4: '00010001100101010010111110001000010', 5: '11111100001111000001000011000101110',
  6: '00110010001000011110100011000101110', 7: '11111000010001000100010000100001000', 8: '01110100011000101110100011000101110',
  9: '01110100011000101111000010001001100', '.': '00000000000000000000000000110001100', ',': '00000000000000000000001100010001000',
  ':': '00000011000110000000011000110000000', '-': '00000000000000011111000000000000000', '+': '00000001000010011111001000010000000',
  '=': '00000000001111100000111110000000000', '(': '00010001000100001000010000010000010', ')': '01000001000001000010000100010001000',
  '/': '00000000010001000100010001000000000', '%': '11000110010001000100010001001100011', '_': '00000000000000000000000000000011111',
  '[': '01110010000100001000010000100001110', ']': '01110000100001000010000100001001110', '<': '00010001000100010000010000010000010',
  '>': '01000001000001000001000100010001000', "'": '00100001000100000000000000000000000', ' ': '00000000000000000000000000000000000',
  '#': '01010010101111101010111110101001010', '*': '00000001001010101110101010010000000',
};

export class Canvas {
  constructor(width, height, background = [255, 255, 255]) {
    this.width = width;
    this.height = height;
    this.data = Buffer.alloc(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }
  setPixel(x, y, [r, g, b], alpha = 1) {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    const d = this.data;
    d[i] = d[i] * (1 - alpha) + r * alpha;
    d[i + 1] = d[i + 1] * (1 - alpha) + g * alpha;
    d[i + 2] = d[i + 2] * (1 - alpha) + b * alpha;
    d[i + 3] = 255;
  }
  fillRect(x0, y0, w, h, color) {
    for (let y = Math.max(0, y0); y < Math.min(this.height, y0 + h); y++)
      for (let x = Math.max(0, x0); x < Math.min(this.width, x0 + w); x++) this.setPixel(x, y, color);
  }
  strokeRect(x0, y0, w, h, color) {
    this.line(x0, y0, x0 + w, y0, color);
    this.line(x0 + w, y0, x0 + w, y0 + h, color);
    this.line(x0 + w, y0 + h, x0, y0 + h, color);
    this.line(x0, y0 + h, x0, y0, color);
  }
  dot(x, y, radius, color, alpha = 1) {
    for (let dy = -radius; dy <= radius; dy++)
      for (let dx = -radius; dx <= radius; dx++) if (dx * dx + dy * dy <= radius * radius + 0.5) this.setPixel(x + dx, y + dy, color, alpha);
  }
  line(x0, y0, x1, y1, color, alpha = 1) {
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let i = 0; i <= n; i++) this.setPixel(x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n, color, alpha);
  }
  text(x, y, str, color = [0, 0, 0], scale = 1) {
    let cx = x;
    for (const ch of String(str).toUpperCase()) {
      const g = FONT[ch] ?? FONT[' '];
      for (let r = 0; r < 7; r++)
        for (let c = 0; c < 5; c++) if (g[r * 5 + c] === '1') this.fillRect(cx + c * scale, y + r * scale, scale, scale, color);
      cx += 6 * scale;
    }
    return cx;
  }
  save(path) {
    const png = new PNG({ width: this.width, height: this.height });
    this.data.copy(png.data);
    writeFileSync(path, PNG.sync.write(png));
  }
}

export const PALETTE = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127],
];

/**
 * Scatter panels side by side. `panels`: [{ title, layers: [{ points: [[x,y],...], color, radius, alpha }] }];
 * `range`: [min, max] shared by both axes.
 */
export function scatterPanels(path, panels, { size = 260, range = [-2, 2], title } = {}) {
  const top = title ? 28 : 8;
  const c = new Canvas(panels.length * (size + 10) + 10, size + top + 26);
  if (title) c.text(10, 8, title, [0, 0, 0], 2);
  panels.forEach((panel, i) => {
    const x0 = 10 + i * (size + 10);
    const y0 = top + 18;
    c.strokeRect(x0, y0, size, size, [160, 160, 160]);
    c.text(x0 + 2, top + 4, panel.title ?? '');
    const sx = (v) => x0 + ((v - range[0]) / (range[1] - range[0])) * size;
    const sy = (v) => y0 + size - ((v - range[0]) / (range[1] - range[0])) * size;
    for (const layer of panel.layers) {
      for (const [x, y] of layer.points) {
        if (x < range[0] || x > range[1] || y < range[0] || y > range[1]) continue;
        c.dot(sx(x), sy(y), layer.radius ?? 1, layer.color ?? PALETTE[0], layer.alpha ?? 0.6);
      }
    }
  });
  c.save(path);
}

/** A line chart of several series: [{ name, values: number[], color }], x = index·xScale. */
export function lineChart(path, series, { width = 640, height = 300, title = '', xLabel = 'step', xScale = 1, logY = false } = {}) {
  const c = new Canvas(width, height);
  const left = 60, right = 10, top = 30, bottom = 40;
  c.text(10, 8, title, [0, 0, 0], 2);
  const tf = (v) => (logY ? Math.log10(Math.max(v, 1e-12)) : v);
  const all = series.flatMap((s) => s.values.filter(Number.isFinite).map(tf));
  let lo = Math.min(...all), hi = Math.max(...all);
  if (!(hi > lo)) { hi = lo + 1; lo -= 1; }
  const n = Math.max(...series.map((s) => s.values.length), 2);
  const W = width - left - right, H = height - top - bottom;
  c.strokeRect(left, top, W, H, [160, 160, 160]);
  const px = (i) => left + (i / (n - 1)) * W;
  const py = (v) => top + H - ((tf(v) - lo) / (hi - lo)) * H;
  const fmt = (v) => (logY ? `1E${v.toFixed(1)}` : Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : v.toFixed(2));
  c.text(2, top, fmt(hi)); c.text(2, top + H - 7, fmt(lo));
  c.text(left, height - 14, `0`); c.text(left + W - 60, height - 14, `${xLabel} ${Math.round((n - 1) * xScale)}`);
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    for (let i = 1; i < s.values.length; i++) {
      const a = s.values[i - 1], b = s.values[i];
      if (Number.isFinite(a) && Number.isFinite(b)) c.line(px(i - 1), py(a), px(i), py(b), color);
    }
    const lx = left + 10 + k * 150;
    c.fillRect(lx, height - 26, 10, 4, color);
    c.text(lx + 14, height - 28, s.name);
  });
  c.save(path);
}

/** A grid of grayscale images in [0, 1] (each `h×w` flat arrays). */
export function imageGrid(path, images, { h = 28, w = 28, cols = 8, scale = 2, title = '' } = {}) {
  const rows = Math.ceil(images.length / cols);
  const top = title ? 24 : 0;
  const c = new Canvas(cols * (w * scale + 2) + 2, rows * (h * scale + 2) + 2 + top, [40, 40, 40]);
  if (title) c.text(4, 6, title, [255, 255, 255], 2);
  images.forEach((img, k) => {
    const ox = 2 + (k % cols) * (w * scale + 2);
    const oy = top + 2 + Math.floor(k / cols) * (h * scale + 2);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v = Math.max(0, Math.min(255, Math.round(img[y * w + x] * 255)));
        c.fillRect(ox + x * scale, oy + y * scale, scale, scale, [v, v, v]);
      }
  });
  c.save(path);
}
