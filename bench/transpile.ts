/**
 * Compiles the benchmark's own processes (fake upstream, floor proxy, load client) to plain
 * CommonJS in a temp directory, so they run as plain `node file.js` exactly like the compiled
 * gateway: no ts-node require hooks, no TypeScript compiler in their memory.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export function transpileBench(sourceDir: string, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(sourceDir)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const source = readFileSync(path.join(sourceDir, file), 'utf8');
    const output = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        sourceMap: false,
      },
    });
    writeFileSync(path.join(outDir, file.replace(/\.ts$/, '.js')), output.outputText);
  }
}
