/**
 * The typed surface of the native addon (build/Release/torchlet.node).
 * This file is the only contract between lib/ and native/: lib/native.ts is
 * the one importer of the addon and types it with this module.
 *
 * Conventions shared by every function:
 * - Arrays are typed arrays; "float array" means Float32Array or Float64Array,
 *   and all float arrays of one call must have the same type (else TypeError).
 * - Sizes are element counts. A typed array may be a view (subarray) of a
 *   larger buffer; kernels see exactly the view.
 * - `offset`/`strides` arguments index elements of the array they go with.
 *   The binding checks that every element reached lies inside the array
 *   (RangeError otherwise); strides are >= 0.
 * - Outputs are written in place; functions return nothing unless stated.
 * - Wrong types give a TypeError, wrong sizes a RangeError, each naming the
 *   function and the argument: "gemm: argument 'a' must be a Float32Array or
 *   Float64Array, got number". No call can crash the process or hang.
 * - Every function must be called with at least its declared number of
 *   arguments; nullable ones are passed as null, not left out (TypeError
 *   "gemm: expected 17 arguments, got 16"). Extra arguments are ignored.
 * - Typed arrays backed by a SharedArrayBuffer are rejected (TypeError): another
 *   thread could rewrite them between the checks and the kernel.
 * - Numbers are never coerced: an argument that must be a number, boolean or
 *   string is checked by type. Shape/stride arguments are plain Arrays of
 *   integers; they are read before any typed array, so a getter on them may run
 *   but cannot pull a typed array out from under the kernel (a detached array has length 0).
 * - Products of sizes (numel of a shape, outer*n*inner, ...) must be <= 2^53 (RangeError).
 * - Memory sharing: unless a function says otherwise, an output must not share
 *   memory with any other argument (RangeError "op: arguments 'out' and 'x'
 *   overlap in memory"); this also catches distinct typed arrays over one
 *   ArrayBuffer. Where an output "may be" an input, it may be that very array
 *   (same buffer, offset, length and type), and any partial overlap still throws.
 */

export type FloatArray = Float32Array | Float64Array;
export type AnyArray = Float32Array | Float64Array | Int32Array;

// ---------------------------------------------------------------- runtime
/** Bytes to skip from the start of `buffer` so that data starts 64-byte aligned. */
export function alignedOffset(buffer: ArrayBuffer): number;
/** The instruction set kernels use now: 'scalar' | 'avx2' | 'avx512'. */
export function activeIsa(): string;
/** The best instruction set this CPU supports. */
export function detectedIsa(): string;
/** Every instruction set usable on this CPU, lowest first (always includes 'scalar'). */
export function availableIsas(): string[];
/** Switch the kernels to a supported instruction set (for tests and benchmarks). */
export function setIsa(name: string): void;

// ---------------------------------------------------------------- threads
/** Threads a parallel kernel uses (the caller plus pool workers); default: the CPUs this process may use. */
export function getNumThreads(): number;
/** 1 <= n <= 256. Results do not depend on it (kernels split work by size only). */
export function setNumThreads(n: number): void;
/** Whether kernels run with denormals flushed to zero (FTZ+DAZ), the default. */
export function getFlushDenormal(): boolean;
export function setFlushDenormal(on: boolean): void;
/**
 * Measured float32 FMA throughput in GFLOP/s of `threads` threads (1 to
 * getNumThreads()) running independent FMA chains of `isa` for `seconds` of
 * wall time (0 < seconds <= 5), whatever the thread count.
 */
export function fmaPeak(isa: string, threads: number, seconds: number): number;

// ---------------------------------------------------------------- copy
/**
 * dst[i] = cast(src[offset + sum_d idx_d(i) * strides[d]]) where idx(i) walks
 * `shape` in row-major order. dst is contiguous with length prod(shape).
 * src and dst may have different element types (this is also the dtype cast;
 * float -> int32 truncates toward zero like PyTorch; NaN gives 0 and out-of-range values
 * saturate). dst must not overlap src (RangeError). A transposed pair of inner dims is
 * copied in tiles.
 */
export function stridedCopy(src: AnyArray, offset: number, shape: number[], strides: number[], dst: AnyArray): void;
/** dst[i] = value for every element of dst. */
export function fill(dst: AnyArray, value: number): void;

// ---------------------------------------------------------------- elementwise
/** Opcodes of `unary` / `unaryBackward`. alpha/beta are op parameters. */
export const enum UnaryOp {
  Neg = 0,     // -x
  Exp = 1,     // e^x
  Log = 2,     // ln x
  Abs = 3,     // |x|
  Sqrt = 4,    // sqrt x
  Tanh = 5,    // tanh x
  Sigmoid = 6, // 1 / (1 + e^-x), stable for large |x|
  Relu = 7,    // max(x, 0); NaN stays NaN
  Sign = 8,    // -1, 0, 1 (NaN stays NaN)
  PowScalar = 9,  // x^alpha
  Clamp = 10,     // min(max(x, alpha), beta); NaN stays NaN
  AddScalar = 11, // x + alpha
  MulScalar = 12, // x * alpha
  RsubScalar = 13,// alpha - x
  RdivScalar = 14,// alpha / x
  Square = 15,    // x * x
  Reciprocal = 16,// 1 / x
  Log1p = 17,     // ln(1 + x)
  Expm1 = 18,     // e^x - 1
  Sin = 19,
  Cos = 20,
  LeakyRelu = 21, // x > 0 ? x : alpha * x
  Gelu = 22,      // x/2 (1 + erf(x / sqrt 2))
  GeluTanh = 23,  // x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  Elu = 24,       // x > 0 ? x : alpha * (e^x - 1)
  Softplus = 25,  // alpha*x > beta ? x : ln(1 + e^(alpha x)) / alpha   (alpha: PyTorch's beta, beta: its threshold)
}
/** out[i] = op(x[i]; alpha, beta). Requires x.length === out.length. out may be x (in place). */
export function unary(op: UnaryOp, x: FloatArray, out: FloatArray, alpha: number, beta: number): void;
/**
 * gx[i] = gy[i] * d op(x)/dx at x[i]. `x` is the op's input and `y` its output
 * (some ops use one, some the other; pass both). All four arrays have the same length;
 * gx may be x, y or gy.
 * Conventions as PyTorch: relu'(0) = 0, abs'(0) = 0, sign' = 0, clamp' = 1 inside
 * [alpha, beta] (inclusive) else 0, sqrt'(0) = inf.
 */
export function unaryBackward(op: UnaryOp, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray,
                              alpha: number, beta: number): void;

/** Opcodes of `binary`. Comparisons write 1 or 0 in out's type. */
export const enum BinaryOp {
  Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Maximum = 5, Minimum = 6,
  Eq = 7, Ne = 8, Lt = 9, Le = 10, Gt = 11, Ge = 12,
}
/**
 * Broadcasting elementwise op. For every index i of `shape` (row-major):
 *   out[lin(i)] = a[aOffset + i . aStrides] (op) b[bOffset + i . bStrides]
 * Broadcast dims have stride 0. a, b and out have the same type (float or
 * Int32Array; int32 add/sub/mul wrap, int32 Div truncates and a zero divisor throws RangeError,
 * int32 Pow throws TypeError). out is contiguous with length prod(shape).
 * out may alias a or b only when that operand is itself contiguous over `shape` (any other
 * overlap throws RangeError).
 */
export function binary(op: BinaryOp, shape: number[], a: AnyArray, aOffset: number, aStrides: number[],
                       b: AnyArray, bOffset: number, bStrides: number[], out: AnyArray): void;

// ---------------------------------------------------------------- reduce
/** Opcodes of `reduce`. */
export const enum ReduceOp { Sum = 0, Mean = 1, Max = 2, Min = 3, Prod = 4 }
/**
 * x is contiguous, viewed as (outer, n, inner); out has outer*inner elements:
 *   out[o*inner + j] = reduce_{k<n} x[(o*n + k)*inner + j]
 * Sum/Mean accumulate in float64. Max/Min propagate NaN. n = 0 gives Sum 0,
 * Prod 1, Mean NaN; Max/Min with n = 0 throw a RangeError.
 * outer*n*inner and outer*inner must be <= 2^53. out must not overlap x.
 */
export function reduce(op: ReduceOp, x: FloatArray, outer: number, n: number, inner: number, out: FloatArray): void;
/**
 * Same view; writes the value (if `values` is not null) and the index k of the
 * first maximum (isMax) or minimum over n. NaN counts as the maximum/minimum
 * (PyTorch). n must be >= 1. values and indices must not overlap x or each other.
 */
export function argReduce(isMax: boolean, x: FloatArray, outer: number, n: number, inner: number,
                          values: FloatArray | null, indices: Int32Array): void;

// ---------------------------------------------------------------- gemm
/**
 * C = alpha * op(A) * op(B) + beta * C (+ bias[j] added to every row when bias is not null).
 * op(A) is m x k: A is row-major m x k with leading dim lda (transA false) or k x m (transA true);
 * op(B) is k x n likewise (ldb); C is m x n row-major with leading dim ldc.
 * A[i,p] = a[aOffset + i*lda + p] (or a[aOffset + p*lda + i] when transposed).
 * beta = 0 ignores C's old contents (NaN in C does not propagate). k = 0 gives beta*C + bias.
 * Float32Array or Float64Array, all of one type; bias has length n. C must not overlap A or B
 * (bias may share memory with C: it is read before C is written).
 */
export function gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
                     a: FloatArray, aOffset: number, lda: number,
                     b: FloatArray, bOffset: number, ldb: number, beta: number,
                     c: FloatArray, cOffset: number, ldc: number, bias: FloatArray | null): void;

// ---------------------------------------------------------------- softmax and losses
/**
 * x contiguous, viewed as (outer, n, inner); softmax (or log-softmax when `log`)
 * over the middle axis, max-subtracted. out has x's length and may be x (in place).
 */
export function softmax(x: FloatArray, outer: number, n: number, inner: number, out: FloatArray, log: boolean): void;
/**
 * Backward of softmax given its output y: gx = y * (gy - sum(gy * y)); of
 * log-softmax: gx = gy - exp(y) * sum(gy). Same view and lengths. gx may be y or gy.
 */
export function softmaxBackward(y: FloatArray, gy: FloatArray, outer: number, n: number, inner: number,
                                gx: FloatArray, log: boolean): void;
/**
 * Fused log-softmax + NLL over rows of logits (n x c, contiguous):
 *   logProbs[i, j] = logits[i, j] - logsumexp(logits[i, :]);  losses[i] = -logProbs[i, target[i]].
 * A target < 0 or >= c throws RangeError "crossEntropy: target 12 out of range for 10 classes".
 * losses has length n, logProbs n*c (kept for the backward). logProbs may be logits;
 * losses must not overlap logits, logProbs or target, nor target logProbs.
 */
export function crossEntropyForward(logits: FloatArray, target: Int32Array, n: number, c: number,
                                    losses: FloatArray, logProbs: FloatArray): void;
/**
 * gLogits[i, j] = gLoss[i or 0] * (exp(logProbs[i, j]) - [j == target[i]]).
 * gLoss has length 1 (the same factor for every row, e.g. g / n for 'mean') or n.
 * gLogits may be logProbs; it must not overlap gLoss or target.
 */
export function crossEntropyBackward(logProbs: FloatArray, target: Int32Array, n: number, c: number,
                                     gLoss: FloatArray, gLogits: FloatArray): void;

/** Elementwise losses of `pointLoss`. */
export const enum PointLoss {
  Mse = 0,       // (x - y)^2
  Bce = 1,       // -(y * max(ln x, -100) + (1 - y) * max(ln(1 - x), -100))   (x in [0, 1])
  BceLogits = 2, // max(x, 0) - x*y + ln(1 + e^-|x|)                       (x any real)
  L1 = 3,        // |x - y|
  SmoothL1 = 4,  // z = |x - y|: z < param ? 0.5 z^2 / param : z - 0.5 param   (param = beta >= 0)
  Huber = 5,     // z < param ? 0.5 z^2 : param (z - 0.5 param)                (param = delta > 0)
}
/**
 * out[i] = loss(input[i], target[i]; param). All three the same length. out may be input or target.
 * param is SmoothL1's beta (RangeError unless >= 0) or Huber's delta (unless > 0); the other kinds ignore it.
 */
export function pointLoss(kind: PointLoss, input: FloatArray, target: FloatArray, out: FloatArray, param: number): void;
/**
 * gIn[i] = gOut[i or 0] * d loss / d input at (input[i], target[i]).
 * MSE: 2(x - y); BCE: (x - y) / max((1 - x) x, eps) with PyTorch's eps = float32(1e-12), also
 * for Float64Array (so x = 0, y = 1 gives -1.000000004e12 as torch does); BceLogits: sigmoid(x) - y;
 * with d = x - y: L1 sign(d) (0 at 0); SmoothL1 d <= -beta ? -1 : d >= beta ? 1 : d / beta (so -1 at
 * d = 0 when beta = 0, as PyTorch 1.13);
 * Huber d <= -delta ? -delta : d >= delta ? delta : d.
 * gOut has length 1 (broadcast) or input.length. gIn may be input, target or gOut.
 */
export function pointLossBackward(kind: PointLoss, input: FloatArray, target: FloatArray, gOut: FloatArray,
                                  gIn: FloatArray, param: number): void;
/**
 * Cross-entropy with PyTorch's options, rows of logits (n x c): logProbs = log_softmax(row);
 * a row whose target equals ignoreIndex gets losses[i] = rowWeights[i] = 0; other targets must be
 * in [0, c) (RangeError "crossEntropy: target 12 out of range for 10 classes"); with
 * wt = weight[t] (1 when weight is null) and eps = labelSmoothing in [0, 1]:
 *   losses[i] = (1 - eps) * -wt * logProbs[i, t] + eps / c * -sum_j weight[j] * logProbs[i, j],
 *   rowWeights[i] = wt.
 * The 'mean' reduction is sum(losses) / sum(rowWeights), as PyTorch. ignoreIndex is an int32.
 * logProbs may be logits; no other overlap.
 */
export function crossEntropyExForward(logits: FloatArray, target: Int32Array, weight: FloatArray | null,
                                      ignoreIndex: number, labelSmoothing: number, n: number, c: number,
                                      losses: FloatArray, rowWeights: FloatArray, logProbs: FloatArray): void;
/**
 * gLogits[i, j] = gLoss[i or 0] * ((1 - eps) wt (p_j - [j == t]) + eps / c (p_j W - weight[j])),
 * p = exp(logProbs[i]), W = sum(weight) (c when null); ignored rows get 0. gLoss has length 1 or n.
 * gLogits may be logProbs.
 */
export function crossEntropyExBackward(logProbs: FloatArray, target: Int32Array, weight: FloatArray | null,
                                       ignoreIndex: number, labelSmoothing: number, n: number, c: number,
                                       gLoss: FloatArray, gLogits: FloatArray): void;
/**
 * Cross-entropy against probability targets (n x c, any reals, e.g. smoothed one-hots):
 *   logProbs = log_softmax(row);  losses[i] = -sum_j weight[j] * target[i, j] * logProbs[i, j].
 * weight null means 1. logProbs may be logits; no other overlap.
 */
export function softCrossEntropyForward(logits: FloatArray, target: FloatArray, weight: FloatArray | null, n: number,
                                        c: number, losses: FloatArray, logProbs: FloatArray): void;
/** gLogits[i, j] = gLoss[i or 0] * (p_j * sum_k weight[k] target[i, k] - weight[j] target[i, j]). gLogits may be logProbs. */
export function softCrossEntropyBackward(logProbs: FloatArray, target: FloatArray, weight: FloatArray | null, n: number,
                                         c: number, gLoss: FloatArray, gLogits: FloatArray): void;

// ---------------------------------------------------------------- norm
/**
 * Batch norm over x viewed as contiguous (outer, c, inner): channel k holds the
 * count = outer*inner elements x[(o*c + k)*inner + j] ((N, C): inner 1; (N, C, L): outer N, inner L).
 * useBatchStats: mean/var (biased) of each channel, two passes in double; when runningMean and
 *   runningVar are given they become (1 - momentum) r + momentum stat, with the unbiased variance
 *   (var * count / (count - 1)) for runningVar. Else the running stats are used (both required, TypeError).
 * y = (x - mean) / sqrt(var + eps) * weight + bias (weight null = 1, bias null = 0), in double,
 * rounded once. saveMean / saveInvstd (Float64Array, length c) receive mean and 1/sqrt(var + eps)
 * for the backward. weight, bias, runningMean, runningVar: null or c values of x's type.
 * momentum in [0, 1], eps >= 0 (RangeError). y may be x; no other overlap.
 */
export function batchNormForward(x: FloatArray, outer: number, c: number, inner: number, weight: FloatArray | null,
                                 bias: FloatArray | null, runningMean: FloatArray | null, runningVar: FloatArray | null,
                                 useBatchStats: boolean, momentum: number, eps: number, y: FloatArray,
                                 saveMean: Float64Array, saveInvstd: Float64Array): void;
/**
 * The backward of batchNormForward from its saved mean and invstd; with xhat = (x - mean) * invstd:
 *   gbias = sum gy;  gweight = sum gy * xhat   (per channel, in double)
 *   useBatchStats: gx = (gy - gbias / count - xhat * gweight / count) * invstd * weight
 *   else (running stats are constants): gx = gy * invstd * weight.
 * gx, gweight, gbias: null when not wanted. gx may be gy; no other overlap.
 */
export function batchNormBackward(x: FloatArray, gy: FloatArray, outer: number, c: number, inner: number,
                                  weight: FloatArray | null, saveMean: Float64Array, saveInvstd: Float64Array,
                                  useBatchStats: boolean, gx: FloatArray | null, gweight: FloatArray | null,
                                  gbias: FloatArray | null): void;
/**
 * Layer norm of the m rows of x (contiguous m x n) over their n elements: per row mean and
 * biased variance (two passes in double, so inputs near 1e4 with unit spread lose nothing),
 * rstd = 1 / sqrt(var + eps), y = (x - mean) * rstd * weight[j] + bias[j] (null: 1 and 0).
 * saveMean / saveRstd: Float64Array of length m. eps >= 0. y may be x; no other overlap.
 */
export function layerNormForward(x: FloatArray, m: number, n: number, weight: FloatArray | null, bias: FloatArray | null,
                                 eps: number, y: FloatArray, saveMean: Float64Array, saveRstd: Float64Array): void;
/**
 * xhat = (x - mean) * rstd, g = gy * weight[j]:
 *   gx = rstd * (g - mean_j(g) - xhat * mean_j(g * xhat));  gweight[j] = sum_rows gy * xhat;  gbias[j] = sum_rows gy.
 * gx, gweight, gbias: null when not wanted. gx may be gy; no other overlap.
 */
export function layerNormBackward(x: FloatArray, gy: FloatArray, m: number, n: number, weight: FloatArray | null,
                                  saveMean: Float64Array, saveRstd: Float64Array, gx: FloatArray | null,
                                  gweight: FloatArray | null, gbias: FloatArray | null): void;

// ---------------------------------------------------------------- random
/**
 * One generator per JS thread (main thread and each worker), an mt19937 that
 * reproduces PyTorch's CPU generator: after manualSeed(s), uniform and normal
 * fill tensors with the same values as torch.manual_seed(s); torch.rand / randn /
 * Tensor.uniform_ / normal_ (float32 and float64). The stream does not depend on the thread count.
 * An unseeded generator starts from libtorch's default seed 67280421310721 (Python's torch seeds
 * itself randomly at import). seed: an integer in [-2^63, 2^64); negatives wrap as in torch.
 */
export function manualSeed(seed: number): void;
/** out[i] ~ U[from, to), drawn in order (PyTorch's uniform_, including its FMA rounding). from <= to. */
export function uniform(out: FloatArray, from: number, to: number): void;
/**
 * out[i] ~ N(mean, std^2) with PyTorch's normal_ algorithm for a contiguous tensor: Box-Muller
 * over blocks of 16 when out.length >= 16 (float32 bit-identical to PyTorch's AVX2 path), else
 * one normal_distribution<double> sample per element with its cached second sample. std >= 0.
 */
export function normal(out: FloatArray, mean: number, std: number): void;
/**
 * out[i] = from + (random 32/64-bit value mod (to - from)) as PyTorch's random_(from, to).
 * Integers with from < to; from and to - 1 within +-2^24 (Float32Array), +-2^53 (Float64Array)
 * or the int32 range, as PyTorch checks.
 */
export function randint(out: AnyArray, from: number, to: number): void;
/** out becomes a random permutation of 0..out.length-1 (PyTorch's randperm for n < 2^24 on CPU). */
export function randperm(out: Int32Array): void;
/** out[i] = 1 with probability p else 0 (PyTorch's bernoulli_(p) without MKL). */
export function bernoulli(out: FloatArray, p: number): void;
/** The generator's whole state (mt19937 words, position, seed, cached normal). */
export function getRngState(): Uint8Array;
/**
 * Restores a state from getRngState() (2536 bytes: "TLRG", version 1, seed, mt19937 position and
 * words, cached normals); RangeError if it is not one, and the generator is then unchanged.
 * A Uint8Array over a SharedArrayBuffer is rejected (TypeError).
 */
export function setRngState(state: Uint8Array): void;

// ---------------------------------------------------------------- optim
/**
 * One SGD step over one parameter, PyTorch's torch.optim.SGD rule (in place):
 *   g = grad + weightDecay * param   (the term is skipped when weightDecay == 0)
 *   if momentum != 0: buf = firstStep ? g : momentum * buf + (1 - dampening) * g
 *                     g = nesterov ? g + momentum * buf : buf
 *   param -= lr * g
 * momentumBuf is null when momentum == 0, else it has param's length. param, grad and
 * momentumBuf must not overlap.
 */
export function sgdStep(param: FloatArray, grad: FloatArray, momentumBuf: FloatArray | null, lr: number,
                        momentum: number, dampening: number, weightDecay: number, nesterov: boolean,
                        firstStep: boolean): void;
/**
 * sgdStep for several parameters in one call (one optimizer step of a parameter
 * group): params[i], grads[i], momentumBufs[i] (null when momentum == 0) and
 * firstSteps[i] are parameter i's. All arrays of one type; no two of them may
 * share memory. The work runs in chunks across the thread pool; each element's
 * arithmetic is exactly sgdStep's.
 */
export function sgdStepMany(params: FloatArray[], grads: FloatArray[], momentumBufs: Array<FloatArray | null>,
                            firstSteps: boolean[], lr: number, momentum: number, dampening: number,
                            weightDecay: number, nesterov: boolean): void;
/**
 * One Adam / AdamW step over one parameter, PyTorch 1.13's torch.optim.Adam / AdamW rule (in place):
 *   g = maximize ? -grad : grad
 *   decoupled (AdamW): param *= 1 - lr * weightDecay;  else (Adam): g += weightDecay * param (skipped when 0)
 *   expAvg = beta1 * expAvg + (1 - beta1) * g;  expAvgSq = beta2 * expAvgSq + (1 - beta2) * g * g
 *   v = amsgrad ? (maxExpAvgSq = max(maxExpAvgSq, expAvgSq)) : expAvgSq
 *   param -= lr / (1 - beta1^step) * expAvg / (sqrt(v) / sqrt(1 - beta2^step) + eps)
 * step is this parameter's step count after the increment (a number >= 1). maxExpAvgSq is null unless
 * amsgrad. All arrays of one type and param's length; none may overlap another (grad is only read).
 */
export function adamStep(param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray,
                         maxExpAvgSq: FloatArray | null, step: number, lr: number, beta1: number, beta2: number,
                         eps: number, weightDecay: number, amsgrad: boolean, maximize: boolean,
                         decoupled: boolean): void;
/**
 * adamStep for several parameters in one call (one optimizer step of a parameter group): entry i of
 * each list is parameter i's; maxExpAvgSqs entries are null unless amsgrad; steps[i] >= 1 is its step
 * count. All arrays of one type; no two may share memory. The work runs in chunks across the thread
 * pool; each element's arithmetic is exactly adamStep's.
 */
export function adamStepMany(params: FloatArray[], grads: FloatArray[], expAvgs: FloatArray[],
                             expAvgSqs: FloatArray[], maxExpAvgSqs: Array<FloatArray | null>, steps: number[],
                             lr: number, beta1: number, beta2: number, eps: number, weightDecay: number,
                             amsgrad: boolean, maximize: boolean, decoupled: boolean): void;
/**
 * One RMSprop step over one parameter, PyTorch 1.13's torch.optim.RMSprop rule (in place):
 *   g = maximize ? -grad : grad;  g += weightDecay * param (skipped when 0)
 *   squareAvg = alpha * squareAvg + (1 - alpha) * g * g
 *   centered: gradAvg = alpha * gradAvg + (1 - alpha) * g;  avg = sqrt(squareAvg - gradAvg^2) + eps
 *   else:     avg = sqrt(squareAvg) + eps
 *   momentum > 0: momentumBuffer = momentum * momentumBuffer + g / avg;  param -= lr * momentumBuffer
 *   else:         param -= lr * g / avg
 * gradAvg is null unless centered, momentumBuffer null unless momentum > 0. All arrays of one type and
 * param's length; none may overlap another.
 */
export function rmspropStep(param: FloatArray, grad: FloatArray, squareAvg: FloatArray, gradAvg: FloatArray | null,
                            momentumBuffer: FloatArray | null, lr: number, alpha: number, eps: number,
                            weightDecay: number, momentum: number, centered: boolean, maximize: boolean): void;
/**
 * rmspropStep for several parameters in one call; gradAvgs entries are null unless centered,
 * momentumBuffers entries null unless momentum > 0. All arrays of one type; no two may share memory.
 * Chunks across the thread pool; each element's arithmetic is exactly rmspropStep's.
 */
export function rmspropStepMany(params: FloatArray[], grads: FloatArray[], squareAvgs: FloatArray[],
                                gradAvgs: Array<FloatArray | null>, momentumBuffers: Array<FloatArray | null>,
                                lr: number, alpha: number, eps: number, weightDecay: number, momentum: number,
                                centered: boolean, maximize: boolean): void;

// ---------------------------------------------------------------- index
/**
 * dst[dstOffset + i . dstStrides] = cast(src[srcOffset + i . srcStrides]) for every index i of
 * `shape`. Any element types; the views must not overlap in memory (RangeError).
 * The destination view must not overlap itself: no dim of size > 1 may have dstStride 0
 * (RangeError "assign: destination view overlaps itself (stride 0 in dim d)"), and prod(shape)
 * must be <= dst.length (RangeError), which also bounds the work.
 * This is every write into a view: copy_, cat, the backward of narrow/select.
 */
export function assign(shape: number[], src: AnyArray, srcOffset: number, srcStrides: number[],
                       dst: AnyArray, dstOffset: number, dstStrides: number[]): void;
/**
 * x contiguous (outer, n, inner); out (outer, indices.length, inner) contiguous:
 * out[o, j, :] = x[o, indices[j], :]. Same element type. An index outside [0, n) throws RangeError.
 * outer*n*inner, outer*inner and outer*indices.length*inner must be <= 2^53.
 * out must not overlap x or indices.
 */
export function indexSelect(x: AnyArray, outer: number, n: number, inner: number, indices: Int32Array,
                            out: AnyArray): void;
/**
 * acc (outer, n, inner) += src (outer, indices.length, inner) scattered at indices (repeats add up).
 * Same size limits as indexSelect; acc must not overlap src or indices.
 */
export function indexAdd(acc: AnyArray, outer: number, n: number, inner: number, indices: Int32Array,
                         src: AnyArray): void;
