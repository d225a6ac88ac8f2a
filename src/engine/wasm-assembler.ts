/**
 * Just enough of the WebAssembly binary format to hand-assemble small SIMD kernels at run time (no binary file, no
 * build step): LEB128 numbers, sections, names, and the instructions the kernels use. A module built here is
 * checked with `WebAssembly.validate` before use, so an engine without SIMD falls back to plain JavaScript.
 *
 * References: the WebAssembly core specification, binary format, https://webassembly.github.io/spec/core/binary/;
 * the SIMD opcodes: https://github.com/WebAssembly/simd/blob/main/proposals/simd/BinarySIMD.md
 */

/** Unsigned LEB128. */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};

/** Signed LEB128 (for `i32.const`). */
export const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};

/** A vector: its length, then its items. */
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
/** A section with its id and size. */
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
/** A name. */
export const str = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
/** A SIMD instruction by its opcode. */
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
/** `local.get i`. */
export const get = (i: number): number[] => [0x20, ...uleb(i)];
/** `local.set i`. */
export const set = (i: number): number[] => [0x21, ...uleb(i)];
/** `i32.const v`. */
export const i32 = (v: number): number[] => [0x41, ...sleb(v)];

/** The instructions the float64 kernels use; memory accesses carry their natural alignment and offset 0. */
export const I32_ADD = [0x6a];
export const I32_MUL = [0x6c];
export const I32_GE_U = [0x4f];
export const I32_LOAD = [0x28, 2, 0];
export const F64_LOAD = [0x2b, 3, 0];
export const F64_ADD = [0xa0];
/** `f64.store` at a constant byte `offset` past the address. */
export const F64_STORE = (offset: number): number[] => [0x39, 3, ...uleb(offset)];
/** `v128.load` and `v128.store` of float64 data, which is 8-byte aligned. */
export const V128_LOAD = [...simd(0), 3, 0];
export const V128_STORE = [...simd(11), 3, 0];
/** `v128.const 0`. */
export const V128_ZERO = [...simd(12), ...new Array<number>(16).fill(0)];
export const F64X2_SPLAT = simd(20);
/** `f64x2.extract_lane lane`. */
export const F64X2_LANE = (lane: number): number[] => [...simd(33), lane];
export const F64X2_ADD = simd(240);
export const F64X2_SUB = simd(241);
export const F64X2_MUL = simd(242);

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** One exported function of a module: parameter types (no result), local runs of [count, type], and its code. */
export interface WasmFunction {
  name: string;
  params: number[];
  locals: [number, number][];
  /** The body, without the final `end`. */
  code: number[];
}

/**
 * A module importing `env.memory` and exporting `functions`. With `shared`, the memory it imports is a shared one
 * (a threaded build's), up to the 4 GiB of 32-bit WebAssembly.
 */
export function functionsModule(
  functions: WasmFunction[],
  { shared = false }: { shared?: boolean } = {},
): Uint8Array {
  const limits = shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
  const bodies = functions.map(({ locals, code }) => {
    const body = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...code, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(functions.map(({ params }) => [0x60, ...vec(params.map((t) => [t])), 0]))),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, ...limits]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map(({ name }, i) => [...str(name), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ]); // prettier-ignore
}

/** {@link functionsModule} with a single function. */
export function singleFunctionModule(
  name: string,
  params: number[],
  locals: [number, number][],
  code: number[],
  options: { shared?: boolean } = {},
): Uint8Array {
  return functionsModule([{ name, params, locals, code }], options);
}

/** A kernel module instantiated on a memory of its own; its exported functions take byte offsets into that memory. */
export interface OwnMemoryKernel {
  memory: WebAssembly.Memory;
  exports: Record<string, (...args: number[]) => void>;
  /** Grow the memory to at least `bytes` and return its buffer (views taken before growing are detached). */
  reserve(bytes: number): ArrayBuffer;
}

/**
 * Instantiate the module `bytes` on a fresh memory, or return null where WebAssembly, or the SIMD it uses, is
 * missing: the caller then runs its plain-JavaScript path.
 */
export function ownMemoryKernel(bytes: Uint8Array): OwnMemoryKernel | null {
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes as BufferSource)) return null;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {
    env: { memory },
  });
  return {
    memory,
    exports: instance.exports as OwnMemoryKernel['exports'],
    reserve(bytes: number) {
      const have = memory.buffer.byteLength;
      if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
      return memory.buffer;
    },
  };
}
