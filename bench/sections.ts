/**
 * The bench's sections, in the order they run. Adding one = a file under bench/ that exports
 * `section: BenchSection` (see lib/types.ts) + its file name here.
 */
export const sectionFiles: readonly string[] = [
  'anchors', //  engine on the three Go workloads
  'goOracle', // the real Go runtime on them, paired with the engine in rounds: ratios, bars
  'gcFull', //   full GC of 10^6 live objects, engine memory
  'gcScale', //  allocation and GC cost from 10^3 to 10^7 live objects
  'scripts', //  the anchor workloads as scripts through the interpreter; 1M-line parse + check
  'fidelity', // recorded Go 1.19 traces replayed on each model: size-class and offset agreement
  'debugger', // the stdio debug adapter: step cycle on 100k spans, Step Back, delta size, soak
  'webview', //  the Heap View page map in headless Chromium: paint time for 131,072 pages
  'longrun', //  10^7 allocations: memory over the run; Pause latency and responsiveness of the adapter
];
