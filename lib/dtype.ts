/** Element types. float32 is the fast path; float64 for gradcheck and precise tests; int32 for labels and indices. */
export type DType = 'float32' | 'float64' | 'int32';
export type TypedArray = Float32Array | Float64Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function isFloat(d: DType): boolean {
  return d !== 'int32';
}

export function arrayCtor(d: DType): Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor {
  switch (d) {
    case 'float32': return Float32Array;
    case 'float64': return Float64Array;
    case 'int32': return Int32Array;
  }
  throw new TypeError(`unknown dtype '${String(d)}'; expected 'float32', 'float64' or 'int32'`);
}

export function checkDtype(op: string, d: unknown): DType {
  if (d === 'float32' || d === 'float64' || d === 'int32') return d;
  throw new TypeError(`${op}: unknown dtype ${JSON.stringify(d)}; expected 'float32', 'float64' or 'int32'`);
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  return 'int32';
}

/** PyTorch's promotion among our dtypes: float64 > float32 > int32. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}

/** torch's name for the repr: torch.float32 ... */
export function torchName(d: DType): string {
  return `torch.${d}`;
}
