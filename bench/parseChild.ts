/**
 * Entry of the parse-timing child: the scripts section bundles it with esbuild and runs it with
 * plain node, so the front end is timed as it ships (no tsx loader in the process).
 * `node parseChild.cjs JSON-ARGS` prints one RESULT line (see lib/child.ts).
 */
import { RESULT } from './lib/child';
import { measureParse } from './scripts';

let outcome: unknown;
try {
  outcome = { ok: true, value: measureParse(JSON.parse(process.argv[2]) as Parameters<typeof measureParse>[0]) };
} catch (e) {
  outcome = { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}
process.stdout.write(`${RESULT}${JSON.stringify(outcome)}\n`);
