/**
 * Entry of a bench child process: `childMain.ts FILE FN JSON-ARGS` imports FILE, awaits
 * FILE[FN](args) and prints `RESULT {"ok":true,"value":...}` (or ok:false with the error).
 */
import { pathToFileURL } from 'node:url';
import { RESULT } from './child';

async function main(): Promise<void> {
  const [file, fn, json] = process.argv.slice(2);
  let outcome: unknown;
  try {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const f = mod[fn];
    if (typeof f !== 'function') throw new Error(`${file} exports no function ${fn}`);
    outcome = { ok: true, value: await (f as (a: unknown) => unknown)(JSON.parse(json)) };
  } catch (e) {
    outcome = { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  process.stdout.write(`${RESULT}${JSON.stringify(outcome)}\n`);
}

void main();
