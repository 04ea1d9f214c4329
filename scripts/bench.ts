/**
 * `npm run bench`: runs every benchmark module in scripts/bench/ (or the ones
 * named on the command line: `npm run bench -- qa`) and prints their figures.
 * Benchmarks measure; they never fail a build on a number.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const wanted = process.argv.slice(2);
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (modules.length === 0) {
  console.error(`No benchmark matches ${wanted.join(', ')}.`);
  process.exit(2);
}

console.log(`tasuke benchmarks on ${process.platform}/${process.arch}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
let failed = 0;
for (const name of modules) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  try {
    const mod = (await import(pathToFileURL(join(dir, `${name}.ts`)).href)) as { run?: () => Promise<void> };
    if (typeof mod.run !== 'function') throw new Error(`scripts/bench/${name}.ts does not export run()`);
    await mod.run();
  } catch (err) {
    failed++;
    console.error(`benchmark ${name} failed: ${(err as Error).stack ?? err}`);
  }
  console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
process.exitCode = failed ? 1 : 0;
