// Hostile inputs to the binding layer: sizes whose products wrap, getters that
// run user JS while arguments are read, aliased outputs, SharedArrayBuffers,
// missing arguments. Anything that crashed or hung the process before it was
// fixed runs in a child process, which must exit normally.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { native } from '../../lib/native';
import { PointLoss, ReduceOp, UnaryOp } from '../../binding';
import { expectThrow } from './util';

const addon = process.env.TORCHLET_ADDON
  ? path.resolve(process.env.TORCHLET_ADDON)
  : path.resolve(__dirname, '../../build/Release/torchlet.node');

/**
 * Runs `body` in a fresh `node --expose-gc`, where `b` is the addon and
 * `run(name, fn)` records "ok" if fn returns, else "ErrorName: message".
 * Expects the child to exit normally (no signal, no timeout) and returns the records.
 */
function inChild(body: string): Record<string, string> {
  const code = `'use strict';
    const b = require(process.argv[1]);
    const out = {};
    const run = (name, fn) => {
      try { const r = fn(); out[name] = r === undefined ? 'ok' : 'ok ' + r; }
      catch (e) { out[name] = e.name + ': ' + e.message; }
    };
    ${body}
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', code, addon], { encoding: 'utf8', timeout: 60000 });
  expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
  return JSON.parse(r.stdout) as Record<string, string>;
}

const F = Float32Array;

describe('size products never wrap (RangeError instead of out-of-bounds access)', () => {
  const BIG3 = '9007199254740992\\*4194304\\*9007199254740992';
  let r: Record<string, string>;
  beforeAll(() => {
    r = inChild(`
      const F = Float32Array, I = Int32Array;
      run('reduceSum', () => b.reduce(0, new F(0), 2 ** 53, 2 ** 22, 2 ** 53, new F(0)));
      run('reduceMax', () => b.reduce(2, new F(0), 2 ** 53, 2 ** 22, 2 ** 53, new F(0)));
      run('argReduce', () => b.argReduce(true, new F(0), 2 ** 53, 2 ** 22, 2 ** 53, null, new I(0)));
      run('softmax', () => b.softmax(new F(0), 2 ** 53, 2 ** 22, 2 ** 53, new F(0), false));
      run('softmaxBackward', () => b.softmaxBackward(new F(0), new F(0), 2 ** 53, 2 ** 22, 2 ** 53, new F(0), false));
      run('reduceOuterInner', () => b.reduce(0, new F(0), 2 ** 30, 0, 2 ** 30, new F(0)));
      run('argReduceOuterInner', () => b.argReduce(false, new F(0), 2 ** 40, 1, 2 ** 20, null, new I(0)));
      run('indexSelect', () => b.indexSelect(new F(0), 2 ** 32, 1, 2 ** 32, new I([0]), new F(0)));
      run('indexAdd', () => b.indexAdd(new F(0), 2 ** 32, 1, 2 ** 32, new I([0]), new F(0)));
      run('indexSelectM', () => b.indexSelect(new F(0), 2 ** 30, 0, 2 ** 20, new I(16), new F(0)));
      run('indexAddM', () => b.indexAdd(new F(0), 2 ** 30, 0, 2 ** 20, new I(16), new F(0)));
      // Empty outputs with a huge other factor: nothing to do, and no loop over outer.
      run('indexSelectEmpty', () => b.indexSelect(new F(0), 2 ** 53, 1, 0, new I([0]), new F(0)));
      run('indexAddEmpty', () => b.indexAdd(new F(0), 2 ** 53, 1, 0, new I([0]), new F(0)));
      run('reduceEmpty', () => b.reduce(0, new F(0), 0, 2 ** 53, 2 ** 53, new F(0)));
      run('softmaxEmpty', () => b.softmax(new F(0), 2 ** 53, 2 ** 53, 0, new F(0), true));
      run('reduceN0', () => { const o = new F(3).fill(9); b.reduce(0, new F(0), 3, 0, 1, o); return Array.from(o).join(','); });
      // Outputs sized by numel bound the work of stridedCopy and binary.
      run('stridedCopyBig', () => b.stridedCopy(new F(1), 0, [2 ** 26, 2 ** 26], [0, 0], new F(1)));
      run('binaryBig', () => b.binary(0, [2 ** 26, 2 ** 26], new F(1), 0, [0, 0], new F(1), 0, [0, 0], new F(1)));
      run('binaryHuge', () => b.binary(0, [2 ** 52, 2 ** 52], new F(1), 0, [0, 0], new F(1), 0, [0, 0], new F(1)));
    `);
  });
  test.each([
    ['reduceSum', `RangeError: reduce: outer\\*n\\*inner = ${BIG3} is more than 2\\^53`],
    ['reduceMax', `RangeError: reduce: outer\\*n\\*inner = ${BIG3} is more than 2\\^53`],
    ['argReduce', `RangeError: argReduce: outer\\*n\\*inner = ${BIG3} is more than 2\\^53`],
    ['softmax', `RangeError: softmax: outer\\*n\\*inner = ${BIG3} is more than 2\\^53`],
    ['softmaxBackward', `RangeError: softmaxBackward: outer\\*n\\*inner = ${BIG3} is more than 2\\^53`],
    ['reduceOuterInner', 'RangeError: reduce: outer\\*inner = 1073741824\\*1073741824 is more than 2\\^53'],
    ['argReduceOuterInner', 'RangeError: argReduce: outer\\*n\\*inner = 1099511627776\\*1\\*1048576 is more than 2\\^53'],
    ['indexSelect', 'RangeError: indexSelect: outer\\*n\\*inner = 4294967296\\*1\\*4294967296 is more than 2\\^53'],
    ['indexAdd', 'RangeError: indexAdd: outer\\*n\\*inner = 4294967296\\*1\\*4294967296 is more than 2\\^53'],
    ['indexSelectM', 'RangeError: indexSelect: outer\\*indices.length\\*inner = 1073741824\\*16\\*1048576 is more than 2\\^53'],
    ['indexAddM', 'RangeError: indexAdd: outer\\*indices.length\\*inner = 1073741824\\*16\\*1048576 is more than 2\\^53'],
    ['indexSelectEmpty', '^ok$'],
    ['indexAddEmpty', '^ok$'],
    ['reduceEmpty', '^ok$'],
    ['softmaxEmpty', '^ok$'],
    ['reduceN0', '^ok 0,0,0$'],
    ['stridedCopyBig', "RangeError: stridedCopy: argument 'dst' has length 1, expected 4503599627370496"],
    ['binaryBig', "RangeError: binary: argument 'out' has length 1, expected 4503599627370496"],
    ['binaryHuge', "RangeError: binary: argument 'shape' has more than 2\\^53 elements"],
  ])('%s', (name, re) => {
    expect(r[name]).toMatch(new RegExp(re));
  });
});

describe('assign: the destination bounds the work (no hang)', () => {
  let r: Record<string, string>;
  beforeAll(() => {
    r = inChild(`
      const F = Float32Array;
      run('stride0', () => b.assign([2 ** 52, 2 ** 52], new F(1), 0, [0, 0], new F(1), 0, [0, 0]));
      run('stride0Inner', () => b.assign([3, 2], new F(1), 0, [0, 0], new F(6), 0, [2, 0]));
      run('tooMany', () => b.assign([2 ** 26, 2 ** 26], new F(1), 0, [0, 0], new F(2 ** 27), 0, [1, 1]));
      run('broadcastSrc', () => { const d = new F(4); b.assign([4], new F([5]), 0, [0], d, 0, [1]); return d.join(','); });
      run('size1Stride0', () => { const d = new F(4); b.assign([1, 4], new F([1, 2, 3, 4]), 0, [0, 1], d, 0, [0, 1]); return d.join(','); });
    `);
  });
  test.each([
    ['stride0', '^RangeError: assign: destination view overlaps itself \\(stride 0 in dim 0\\)$'],
    ['stride0Inner', '^RangeError: assign: destination view overlaps itself \\(stride 0 in dim 1\\)$'],
    ['tooMany', "^RangeError: assign: the destination view has 4503599627370496 elements but argument 'dst' has length 134217728"],
    ['broadcastSrc', '^ok 5,5,5,5$'],
    ['size1Stride0', '^ok 1,2,3,4$'],
  ])('%s', (name, re) => {
    expect(r[name]).toMatch(new RegExp(re));
  });
});

describe('getters in shape/stride arrays cannot free a typed array the kernel uses', () => {
  let r: Record<string, string>;
  beforeAll(() => {
    // Each getter transfers (detaches) a typed array's buffer and collects it; the typed
    // arrays are read after the JS arrays, so they are seen detached (length 0).
    r = inChild(`
      const N = 1 << 20;
      const detach = (ta) => { structuredClone(ta.buffer, { transfer: [ta.buffer] }); gc(); };
      const hostile = (vals, victim) => {
        const a = vals.slice();
        Object.defineProperty(a, 0, { get() { detach(victim); return vals[0]; } });
        return a;
      };
      run('assignDst', () => {
        const src = new Float32Array(N).fill(7), dst = new Float32Array(N);
        b.assign([N], src, 0, [1], dst, 0, hostile([1], dst));
      });
      run('assignSrcViaShape', () => {
        const src = new Float32Array(N).fill(7), dst = new Float32Array(N);
        b.assign(hostile([N], src), src, 0, [1], dst, 0, [1]);
      });
      run('binaryA', () => {
        const a = new Float32Array(N).fill(1), c = new Float32Array(N), out = new Float32Array(N);
        b.binary(0, [N], a, 0, hostile([1], a), c, 0, [1], out);
      });
      run('binaryOut', () => {
        const a = new Float32Array(N).fill(1), c = new Float32Array(N), out = new Float32Array(N);
        b.binary(0, [N], a, 0, [1], c, 0, hostile([1], out), out);
      });
      run('stridedCopySrc', () => {
        const src = new Float32Array(N).fill(1), dst = new Float32Array(N);
        b.stridedCopy(src, 0, [N], hostile([1], src), dst);
      });
      run('stridedCopyDst', () => {
        const src = new Float32Array(N).fill(1), dst = new Float32Array(N);
        b.stridedCopy(src, 0, hostile([N], dst), [1], dst);
      });
      // A getter that does no harm still works.
      run('harmless', () => {
        const src = new Float32Array([1, 2, 3]), dst = new Float32Array(3);
        const st = [1]; let calls = 0;
        Object.defineProperty(st, 0, { get() { calls++; return 1; } });
        b.assign([3], src, 0, st, dst, 0, [1]);
        return dst.join(',') + ' calls=' + calls;
      });
      // The length is read once: a getter growing the array cannot overflow the parsed vector.
      run('grow', () => {
        const shape = [2, 1];
        Object.defineProperty(shape, 0, { get() { for (let i = 0; i < 1000; i++) shape.push(1); return 2; } });
        const dst = new Float32Array(2);
        b.stridedCopy(new Float32Array([4, 5]), 0, shape, [1, 0], dst);
        return dst.join(',');
      });
      run('shrink', () => {
        const shape = [2, 1];
        Object.defineProperty(shape, 0, { get() { shape.length = 1; return 2; }, configurable: true });
        b.stridedCopy(new Float32Array(2), 0, shape, [1, 0], new Float32Array(2));
      });
    `);
  });
  test.each([
    ['assignDst', "^RangeError: assign: argument 'dst': view \\(offset 0\\) reaches element 1048575 but the array has length 0$"],
    ['assignSrcViaShape', "^RangeError: assign: argument 'src': view \\(offset 0\\) reaches element 1048575 but the array has length 0$"],
    ['binaryA', "^RangeError: binary: argument 'a': view \\(offset 0\\) reaches element 1048575 but the array has length 0$"],
    ['binaryOut', "^RangeError: binary: argument 'out' has length 0, expected 1048576$"],
    ['stridedCopySrc', "^RangeError: stridedCopy: argument 'src': view \\(offset 0\\) reaches element 1048575 but the array has length 0$"],
    ['stridedCopyDst', "^RangeError: stridedCopy: argument 'dst' has length 0, expected 1048576$"],
    ['harmless', '^ok 1,2,3 calls=1$'],
    ['grow', '^ok 4,5$'],
    ['shrink', "^RangeError: stridedCopy: argument 'shape'\\[1\\] must be an integer in \\[0, 4503599627370496\\], got undefined$"],
  ])('%s', (name, re) => {
    expect(r[name]).toMatch(new RegExp(re));
  });
});

describe('non-number entries of shape/stride arrays are described, never converted', () => {
  const src = new F(1), dst = new F(1);
  test('a Symbol', () => {
    expectThrow(() => native.assign([Symbol('s') as unknown as number], src, 0, [1], dst, 0, [1]), 'RangeError',
      /assign: argument 'shape'\[0\] must be an integer in \[0, 4503599627370496\], got symbol$/);
  });
  test('an object with toString/valueOf is not called', () => {
    let calls = 0;
    const o = { toString: () => { calls++; return '1'; }, valueOf: () => { calls++; return 1; } };
    expectThrow(() => native.binary(0, [1], src, 0, [o as unknown as number], src, 0, [0], dst), 'RangeError',
      /binary: argument 'aStrides'\[0\] must be an integer in \[0, 4503599627370496\], got object$/);
    expect(calls).toBe(0);
  });
  test('numbers print as numbers', () => {
    expectThrow(() => native.stridedCopy(src, 0, [0.5], [1], dst), 'RangeError',
      /stridedCopy: argument 'shape'\[0\] must be an integer in \[0, 4503599627370496\], got 0.5$/);
  });
});

describe('outputs that overlap inputs are rejected (or allowed when identical and supported)', () => {
  test('indexSelect: out === x', () => {
    const x = new F([0, 1, 2, 3]);
    expectThrow(() => native.indexSelect(x, 1, 4, 1, Int32Array.from([3, 2, 1, 0]), x), 'RangeError',
      /indexSelect: arguments 'out' and 'x' overlap in memory; use separate arrays$/);
    expect(Array.from(x)).toEqual([0, 1, 2, 3]);
  });
  test('indexSelect: out a subarray of x', () => {
    const x = new F(8);
    expectThrow(() => native.indexSelect(x, 1, 8, 1, Int32Array.from([0, 1, 2, 3]), x.subarray(4)), 'RangeError',
      /indexSelect: arguments 'out' and 'x' overlap in memory/);
  });
  test('indexAdd: src === acc, and a partial overlap', () => {
    const acc = new F(4);
    expectThrow(() => native.indexAdd(acc, 1, 4, 1, Int32Array.from([0, 1, 2, 3]), acc), 'RangeError',
      /indexAdd: arguments 'acc' and 'src' overlap in memory/);
    const buf = new ArrayBuffer(32);
    expectThrow(() => native.indexAdd(new F(buf, 0, 4), 1, 4, 1, Int32Array.from([0, 1]), new F(buf, 8, 2)),
      'RangeError', /indexAdd: arguments 'acc' and 'src' overlap in memory/);
  });
  test('softmax: out === x works in place, a partial overlap throws', () => {
    const x = new F([1, 2, 3, 4]), ref = new F(4);
    native.softmax(x, 1, 4, 1, ref, false);
    native.softmax(x, 1, 4, 1, x, false);
    expect(Array.from(x)).toEqual(Array.from(ref));
    const buf = new F(5);
    expectThrow(() => native.softmax(buf.subarray(0, 4), 1, 4, 1, buf.subarray(1, 5), false), 'RangeError',
      /softmax: argument 'out' partially overlaps 'x' in memory; it may only be that very array or disjoint from it$/);
  });
  test('softmaxBackward: gx may be gy, not a shifted view of y', () => {
    const y = new F([0.1, 0.2, 0.7]), gy = new F([1, -1, 2]), ref = new F(3);
    native.softmaxBackward(y, gy, 1, 3, 1, ref, false);
    native.softmaxBackward(y, gy, 1, 3, 1, gy, false);
    expect(Array.from(gy)).toEqual(Array.from(ref));
    const buf = new F(4);
    expectThrow(() => native.softmaxBackward(buf.subarray(0, 3), new F(3), 1, 3, 1, buf.subarray(1), false),
      'RangeError', /softmaxBackward: argument 'gx' partially overlaps 'y'/);
  });
  test('argReduce: values and indices on one buffer, or on x', () => {
    const x = new F([1, 3, 2, 0]), buf = new ArrayBuffer(8);
    expectThrow(() => native.argReduce(true, x, 2, 2, 1, new F(buf), new Int32Array(buf)), 'RangeError',
      /argReduce: arguments 'values' and 'indices' overlap in memory/);
    expectThrow(() => native.argReduce(true, x, 2, 2, 1, x.subarray(0, 2), new Int32Array(2)), 'RangeError',
      /argReduce: arguments 'x' and 'values' overlap in memory/);
    expectThrow(() => native.argReduce(true, x, 2, 2, 1, null, new Int32Array(x.buffer, 8, 2)), 'RangeError',
      /argReduce: arguments 'x' and 'indices' overlap in memory/);
  });
  test('reduce: out inside x', () => {
    const x = new F([1, 2, 3, 4]);
    expectThrow(() => native.reduce(ReduceOp.Sum, x, 1, 4, 1, x.subarray(3)), 'RangeError',
      /reduce: arguments 'x' and 'out' overlap in memory/);
  });
  test('unary / unaryBackward: identical is in place, partial throws', () => {
    const x = new F([1, 2, 3, 4]), buf = new F(5);
    native.unary(UnaryOp.Neg, x, x, 0, 0);
    expect(Array.from(x)).toEqual([-1, -2, -3, -4]);
    expectThrow(() => native.unary(UnaryOp.Neg, buf.subarray(1), buf.subarray(0, 4), 0, 0), 'RangeError',
      /unary: argument 'out' partially overlaps 'x'/);
    const y = new F([0.5, 0.25]), gy = new F([2, 4]);
    native.unaryBackward(UnaryOp.Exp, new F(2), y, gy, y, 0, 0);  // gx === y
    expect(Array.from(y)).toEqual([1, 1]);
    expectThrow(() => native.unaryBackward(UnaryOp.Exp, new F(4), new F(4), buf.subarray(0, 4), buf.subarray(1), 0, 0),
      'RangeError', /unaryBackward: argument 'gx' partially overlaps 'gy'/);
  });
  test('pointLoss / pointLossBackward', () => {
    const buf = new F(5);
    expectThrow(() => native.pointLoss(PointLoss.Mse, new F(4), buf.subarray(0, 4), buf.subarray(1), 0), 'RangeError',
      /pointLoss: argument 'out' partially overlaps 'target'/);
    const x = new F([1, 2]), t = new F([0, 0]), g = new F([1, 1]);
    native.pointLossBackward(PointLoss.Mse, x, t, g, g, 0);  // gIn === gOut
    expect(Array.from(g)).toEqual([2, 4]);
    const one = new F(3);
    expectThrow(() => native.pointLossBackward(PointLoss.Mse, new F(2), new F(2), one.subarray(2), one.subarray(1), 0),
      'RangeError', /pointLossBackward: argument 'gIn' partially overlaps 'gOut'/);
  });
  test('crossEntropy: logProbs may be logits; losses and gLoss must be separate', () => {
    const logits = new F([1, 2, 3, 0, 0, 1]), t = Int32Array.from([2, 0]);
    const lp = new F(6), losses = new F(2), losses2 = new F(2);
    native.crossEntropyForward(logits, t, 2, 3, losses, lp);
    const same = logits.slice();
    native.crossEntropyForward(same, t, 2, 3, losses2, same);
    expect(Array.from(same)).toEqual(Array.from(lp));
    expect(Array.from(losses2)).toEqual(Array.from(losses));
    expectThrow(() => native.crossEntropyForward(logits, t, 2, 3, logits.subarray(4), lp), 'RangeError',
      /crossEntropyForward: arguments 'losses' and 'logits' overlap in memory/);
    const gl = new F(6);
    expectThrow(() => native.crossEntropyBackward(lp, t, 2, 3, gl.subarray(0, 2), gl), 'RangeError',
      /crossEntropyBackward: arguments 'gLogits' and 'gLoss' overlap in memory/);
  });
  test('gemm: bias may be C (it is read first)', () => {
    const a = new F([1, 2]), bm = new F([3, 4]), c = new F([10, 20]);
    native.gemm(false, false, 1, 2, 1, 1, a.subarray(0, 1), 0, 1, bm, 0, 2, 0, c, 0, 2, c);
    expect(Array.from(c)).toEqual([13, 24]);
  });
});

describe('indices and targets overlapping an output (an overwritten index would write out of bounds)', () => {
  let r: Record<string, string>;
  beforeAll(() => {
    r = inChild(`
      const buf = () => new ArrayBuffer(64);
      run('indexSelectIdx', () => {
        const B = buf(), idx = new Int32Array(B, 0, 4).fill(0), out = new Float32Array(B, 0, 4);
        b.indexSelect(new Float32Array([1e9, 1e9]), 1, 2, 1, idx, out);
      });
      run('indexAddIdx', () => {
        const B = buf(), idx = new Int32Array(B, 0, 2).fill(0), acc = new Float32Array(B, 0, 2);
        b.indexAdd(acc, 1, 2, 1, idx, new Float32Array([1e9, 1e9]));
      });
      run('ceTargetLogProbs', () => {
        const B = buf(), t = new Int32Array(B, 0, 2).fill(0), lp = new Float32Array(B, 0, 4);
        b.crossEntropyForward(new Float32Array([1e9, 0, 0, 0]), t, 2, 2, new Float32Array(2), lp);
      });
      run('ceTargetLosses', () => {
        const B = buf(), t = new Int32Array(B, 0, 2).fill(0), losses = new Float32Array(B, 4, 2);
        b.crossEntropyForward(new Float32Array(4), t, 2, 2, losses, new Float32Array(4));
      });
      run('ceBackTarget', () => {
        const B = buf(), t = new Int32Array(B, 0, 2).fill(0), gl = new Float32Array(B, 0, 4);
        b.crossEntropyBackward(new Float32Array(4).fill(30), t, 2, 2, new Float32Array([1]), gl);
      });
    `);
  });
  test.each([
    ['indexSelectIdx', "^RangeError: indexSelect: arguments 'out' and 'indices' overlap in memory"],
    ['indexAddIdx', "^RangeError: indexAdd: arguments 'acc' and 'indices' overlap in memory"],
    ['ceTargetLogProbs', "^RangeError: crossEntropyForward: arguments 'logProbs' and 'target' overlap in memory"],
    ['ceTargetLosses', "^RangeError: crossEntropyForward: arguments 'losses' and 'target' overlap in memory"],
    ['ceBackTarget', "^RangeError: crossEntropyBackward: arguments 'gLogits' and 'target' overlap in memory"],
  ])('%s', (name, re) => {
    expect(r[name]).toMatch(new RegExp(re));
  });
});

describe('typed arrays over a SharedArrayBuffer are rejected with a TypeError', () => {
  const shared = (n: number) => new F(new SharedArrayBuffer(4 * n));
  test('uniform', () => {
    expectThrow(() => native.uniform(shared(4), 0, 1), 'TypeError',
      /uniform: argument 'out' must be a Float32Array or Float64Array over an ordinary ArrayBuffer \(SharedArrayBuffer is not supported\), got Float32Array\(4\) backed by a SharedArrayBuffer$/);
  });
  test('indices of indexSelect', () => {
    expectThrow(() => native.indexSelect(new F(2), 1, 2, 1, new Int32Array(new SharedArrayBuffer(8)), new F(2)),
      'TypeError', /indexSelect: argument 'indices' must be a Int32Array over an ordinary ArrayBuffer .*got Int32Array\(2\) backed by a SharedArrayBuffer$/);
  });
  test('a wrong kind over a SharedArrayBuffer is described as such', () => {
    expectThrow(() => native.fill(new Uint8Array(new SharedArrayBuffer(3)) as unknown as Float32Array, 0), 'TypeError',
      /fill: argument 'dst' must be a Float32Array or Float64Array or Int32Array, got Uint8Array\(3\) backed by a SharedArrayBuffer$/);
  });
  test('setRngState', () => {
    const state = native.getRngState();
    const s = new Uint8Array(new SharedArrayBuffer(state.length));
    s.set(state);
    expectThrow(() => native.setRngState(s), 'TypeError',
      /setRngState: argument 'state' must be a Uint8Array over an ordinary ArrayBuffer .*backed by a SharedArrayBuffer$/);
  });
  test('ordinary views and detached arrays still work', () => {
    const buf = new ArrayBuffer(64);
    const v = new F(buf, 16, 4);
    native.fill(v, 3);
    expect(Array.from(new F(buf)).filter((z) => z === 3).length).toBe(4);
    const d = new F(4);
    structuredClone(d.buffer, { transfer: [d.buffer] });
    native.fill(d, 1);  // detached: length 0, nothing written
    expectThrow(() => native.unary(UnaryOp.Neg, d, new F(4), 0, 0), 'RangeError',
      /unary: arguments 'x' and 'out' must have the same length, got 0 and 4/);
  });
});

describe('every export checks its argument count against binding.d.ts', () => {
  const dts = fs.readFileSync(path.resolve(__dirname, '../../binding.d.ts'), 'utf8');
  const declared = new Map<string, number>();
  for (const m of dts.matchAll(/export function (\w+)\(([^)]*)\)/g)) {
    const params = m[2].trim();
    declared.set(m[1], params === '' ? 0 : params.split(',').length);
  }
  const fns = Object.keys(native).filter((k) => typeof (native as unknown as Record<string, unknown>)[k] === 'function');
  test('binding.d.ts declares exactly the exported functions', () => {
    expect([...declared.keys()].sort()).toEqual(fns.sort());
    expect(declared.get('gemm')).toBe(17);
  });
  test('gemm without bias', () => {
    expectThrow(() => (native.gemm as (...a: unknown[]) => void)(false, false, 1, 1, 1, 1, new F(1), 0, 1, new F(1), 0, 1, 0,
      new F(1), 0, 1), 'TypeError', /gemm: expected 17 arguments, got 16$/);
  });
  test.each([...declared].filter(([, n]) => n > 0))('%s with one argument too few', (name, n) => {
    const fn = (native as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    const word = n === 1 ? 'argument' : 'arguments';
    expectThrow(() => fn(...new Array(n - 1).fill(0)), 'TypeError', new RegExp(`${name}: expected ${n} ${word}, got ${n - 1}$`));
    expectThrow(() => fn(), 'TypeError', new RegExp(`${name}: expected ${n} ${word}, got 0$`));
  });
});

describe('numbers in native error messages print as JavaScript prints them', () => {
  // Not std::to_string's "1.500000", "-nan", "inf", "-0.000000".
  const x = new F(12), y = new F(12), sm = new Float64Array(3), si = new Float64Array(3);
  test.each([
    [1.5, /argument 'momentum' must be in \[0, 1\], got 1.5$/],
    [2, /argument 'momentum' must be in \[0, 1\], got 2$/],
    [-0.5, /got -0.5$/],
    [1e21, /got 1e\+21$/],
    [123456789012, /got 123456789012$/],
  ])('batchNormForward momentum %p', (m, re) => {
    expectThrow(() => native.batchNormForward(x, 4, 3, 1, null, null, null, null, true, m, 1e-5, y, sm, si), 'RangeError', re);
  });
  test('eps, beta, delta, NaN and infinities', () => {
    expectThrow(() => native.batchNormForward(x, 4, 3, 1, null, null, null, null, true, 0.1, -1e-7, y, sm, si),
      'RangeError', /batchNormForward: argument 'eps' must be >= 0, got -1e-7$/);
    expectThrow(() => native.layerNormForward(x, 3, 4, null, null, -0.000001, y, sm, new Float64Array(3)),
      'RangeError', /layerNormForward: argument 'eps' must be >= 0, got -0.000001$/);
    expectThrow(() => native.layerNormForward(x, 3, 4, null, null, NaN, y, sm, new Float64Array(3)),
      'RangeError', /layerNormForward: argument 'eps' must be finite, got NaN$/);
    expectThrow(() => native.layerNormForward(x, 3, 4, null, null, -Infinity, y, sm, new Float64Array(3)),
      'RangeError', /layerNormForward: argument 'eps' must be finite, got -Infinity$/);
    expectThrow(() => native.pointLoss(PointLoss.SmoothL1, x, x, y, -0.25), 'RangeError', /pointLoss: argument 'param' \(beta\) must be >= 0, got -0.25$/);
    expectThrow(() => native.pointLoss(PointLoss.Huber, x, x, y, -3), 'RangeError', /pointLoss: argument 'param' \(delta\) must be > 0, got -3$/);
    expectThrow(() => native.setNumThreads(2.5e-8), 'RangeError', /must be an integer in \[1, 256\], got 2.5e-8$/);
  });
});
