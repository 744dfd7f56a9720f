// Garbage handed to any native function never crashes the process: every call
// either succeeds or throws a TypeError/RangeError that names the function.
import { native } from '../../lib/native';

const fns = Object.entries(native).filter(([, v]) => typeof v === 'function') as [string, (...a: unknown[]) => unknown][];

// A small deterministic generator for the argument mix.
let s = 12345;
const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];

function garbage(): unknown {
  const len = pick([0, 1, 2, 3, 7, 16]);
  return pick<() => unknown>([
    () => new Float32Array(len),
    () => new Float64Array(len),
    () => new Int32Array(len).map(() => Math.floor(rnd() * 5) - 1),
    () => new Uint8Array(len),
    () => pick([0, 1, 2, 3, -1, 2 ** 31, 2 ** 53, 1e300, NaN, Infinity, -Infinity, 0.5]),
    () => pick([true, false]),
    () => pick([null, undefined]),
    () => pick(['', 'avx2', 'scalar', 'x']),
    () => [pick([0, 1, 2, 3]), pick([1, 2, -1])],
    () => [],
    () => ({}),
    () => new ArrayBuffer(8),
  ])();
}

test.each(fns.map(([n]) => n))('%s survives 400 calls with garbage arguments', (name) => {
  const fn = (native as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
  const best = native.detectedIsa();
  for (let i = 0; i < 400; i++) {
    const args = Array.from({ length: pick([0, 1, 3, 6, 9, 12, 17, 20]) }, garbage);
    try {
      fn(...args);
    } catch (e) {
      // Errors from the addon come from Node's own realm, not jest's sandbox: check by name.
      expect(['TypeError', 'RangeError', 'Error']).toContain((e as Error).name);
      expect(String((e as Error).message)).toMatch(new RegExp(`^${name}: `));
    }
  }
  native.setIsa(best);
});
