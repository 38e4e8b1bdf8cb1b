/**
 * The few WebAssembly JS API declarations the core uses (the project compiles against ES2022 without
 * the DOM library, and @types/node 20 does not declare them). Node and browsers provide the objects.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Instance {
    constructor(module: Module, imports: Record<string, unknown>);
    readonly exports: Record<string, unknown>;
  }
  function compile(bytes: Uint8Array): Promise<Module>;
}
