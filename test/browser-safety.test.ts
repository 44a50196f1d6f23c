/**
 * No synchronous tensor reads in library code. On webgpu, `dataSync()` of a GPU-resident
 * tensor returned zeros and broke the device for later work in the page; on webgl it stalls
 * the pipeline. eslint.config.js forbids these calls in src/; this test checks the same on
 * the syntax tree (comments and strings do not count), so a violation fails `npm test` even
 * when lint is skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SYNC_READS = new Set(['dataSync', 'arraySync', 'bufferSync']);

/** `file:line:col name` for every property access or element access of a synchronous read. */
function findSyncReads(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const hits: string[] = [];
  const at = (node: ts.Node, name: string) => {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    hits.push(`${fileName}:${line + 1}:${character + 1} ${name}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && SYNC_READS.has(node.name.text)) at(node.name, node.name.text);
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) && SYNC_READS.has(node.argumentExpression.text)) {
      at(node.argumentExpression, node.argumentExpression.text);
    }
    // const { dataSync } = t
    if (ts.isBindingElement(node) && SYNC_READS.has((node.propertyName ?? node.name).getText(source))) at(node, (node.propertyName ?? node.name).getText(source));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return hits;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|cts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

const root = fileURLToPath(new URL('..', import.meta.url));

describe('no synchronous tensor reads in src/', () => {
  it('the scanner finds calls, element access and destructuring, and ignores comments and strings', () => {
    const text = [
      '// t.dataSync() in a comment',
      "const msg = 'no dataSync/arraySync here';",
      'const a = t.dataSync();',
      "const b = t['arraySync']();",
      'const { bufferSync } = t;',
      'const c = await t.data();',
    ].join('\n');
    expect(findSyncReads('x.ts', text)).toEqual(['x.ts:3:13 dataSync', 'x.ts:4:13 arraySync', 'x.ts:5:9 bufferSync']);
  });

  it('src/ has none (read with `await t.data()` in an async function instead)', () => {
    const files = sourceFiles(join(root, 'src'));
    expect(files.length).toBeGreaterThan(20);
    const hits = files.flatMap((f) => findSyncReads(relative(root, f), readFileSync(f, 'utf8')));
    expect(hits, `synchronous tensor reads in library code:\n${hits.join('\n')}`).toEqual([]);
  });
});
