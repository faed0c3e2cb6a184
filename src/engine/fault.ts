/**
 * RuntimeFault: the engine's `throw`. Raised when the simulated runtime would crash (freeing a
 * manual span twice, freeing a span with objects still allocated, running out of address space)
 * or when the script asks for something the runtime forbids. The heap is left as it was at the
 * moment of the throw, for inspection; the engine refuses further operations only if the fault
 * says so (`fatal`).
 */
export class RuntimeFault extends Error {
  constructor(
    /** The runtime's message, e.g. "MHeap_FreeSpanLocked - invalid span state". */
    readonly throwMessage: string,
    /** The runtime function that threw, in the era's spelling. */
    readonly where: string,
  ) {
    super(`fatal error: ${throwMessage}`);
    this.name = 'RuntimeFault';
  }
}
