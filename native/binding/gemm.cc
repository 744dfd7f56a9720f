// gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, bias):
// C = alpha * op(A) * op(B) + beta * C (+ bias). Checks every argument, then
// calls the blocked driver in kernels/gemm.h. See binding.d.ts for the contract.
#include <cstdint>
#include <string>

#include "binding/args.h"
#include "binding/families.h"
#include "kernels/gemm.h"

namespace tl {

namespace {

constexpr const char* kOp = "gemm";

size_t elem_size(Dtype d) { return d == Dtype::F64 ? 8 : 4; }

// ld must cover the row it describes even when the view is empty, so that a
// wrong stride is caught by small tests too.
void RequireLd(Napi::Env env, const char* name, int64_t ld, int64_t row, const char* what) {
  if (ld < row)
    ThrowRange(env, std::string(kOp) + ": argument '" + name + "' is " + std::to_string(ld) + " but must be >= " +
                        std::to_string(row) + " (the row length of " + what + ")");
}

// Bytes [lo, hi) reached by a rows x cols view; empty (lo == hi) if nothing is.
struct Span {
  uintptr_t lo = 0, hi = 0;
};
Span SpanOf(const Array& x, int64_t offset, int64_t rows, int64_t cols, int64_t ld) {
  Span s;
  if (rows == 0 || cols == 0) return s;
  const size_t es = elem_size(x.dtype);
  s.lo = reinterpret_cast<uintptr_t>(x.data) + size_t(offset) * es;
  s.hi = s.lo + size_t((rows - 1) * ld + cols) * es;
  return s;
}
bool Overlap(const Span& x, const Span& y) { return x.lo < x.hi && y.lo < y.hi && x.lo < y.hi && y.lo < x.hi; }

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, kOp, 17);
  const bool trans_a = ArgBool(info, 0, kOp, "transA");
  const bool trans_b = ArgBool(info, 1, kOp, "transB");
  const int64_t m = ArgInt(info, 2, kOp, "m");
  const int64_t n = ArgInt(info, 3, kOp, "n");
  const int64_t k = ArgInt(info, 4, kOp, "k");
  const double alpha = ArgNumber(info, 5, kOp, "alpha");
  const Array a = ArgArray(info, 6, kOp, "a", kFloat);
  const int64_t a_off = ArgInt(info, 7, kOp, "aOffset");
  const int64_t lda = ArgInt(info, 8, kOp, "lda");
  const Array b = ArgArray(info, 9, kOp, "b", kFloat);
  const int64_t b_off = ArgInt(info, 10, kOp, "bOffset");
  const int64_t ldb = ArgInt(info, 11, kOp, "ldb");
  const double beta = ArgNumber(info, 12, kOp, "beta");
  const Array c = ArgArray(info, 13, kOp, "c", kFloat);
  const int64_t c_off = ArgInt(info, 14, kOp, "cOffset");
  const int64_t ldc = ArgInt(info, 15, kOp, "ldc");
  // Decide "bias given" from the JS value: an empty typed array also comes
  // back with data == nullptr and must still be length-checked.
  const bool has_bias = !info[16].IsNull() && !info[16].IsUndefined();
  const Array bias = ArgArrayOrNull(info, 16, kOp, "bias", kFloat);

  RequireSameDtype(env, kOp, "a", a, "b", b);
  RequireSameDtype(env, kOp, "a", a, "c", c);
  if (has_bias) {
    RequireSameDtype(env, kOp, "a", a, "bias", bias);
    RequireLength(env, kOp, "bias", bias, size_t(n));
  }

  // Stored shapes: A is m x k (k x m when transposed), B is k x n (n x k).
  const int64_t a_rows = trans_a ? k : m, a_cols = trans_a ? m : k;
  const int64_t b_rows = trans_b ? n : k, b_cols = trans_b ? k : n;
  RequireLd(env, "lda", lda, a_cols, trans_a ? "a, stored k x m" : "a, stored m x k");
  RequireLd(env, "ldb", ldb, b_cols, trans_b ? "b, stored n x k" : "b, stored k x n");
  RequireLd(env, "ldc", ldc, n, "c, m x n");
  RequireMatrixInBounds(env, kOp, "a", a, a_off, a_rows, a_cols, lda);
  RequireMatrixInBounds(env, kOp, "b", b, b_off, b_rows, b_cols, ldb);
  RequireMatrixInBounds(env, kOp, "c", c, c_off, m, n, ldc);

  // C is written while A and B are read (and packed in pieces): any shared
  // byte would give wrong results, so compare the reachable address ranges,
  // which also catches distinct typed arrays over one ArrayBuffer.
  const Span sa = SpanOf(a, a_off, a_rows, a_cols, lda), sb = SpanOf(b, b_off, b_rows, b_cols, ldb),
             sc = SpanOf(c, c_off, m, n, ldc);
  if (Overlap(sc, sa)) ThrowRange(env, "gemm: output 'c' overlaps input 'a'; C must not share memory with A or B");
  if (Overlap(sc, sb)) ThrowRange(env, "gemm: output 'c' overlaps input 'b'; C must not share memory with A or B");

  // Pointers into empty views are never formed (their offset may lie past the end).
  const bool use_a = a_rows > 0 && a_cols > 0, use_b = b_rows > 0 && b_cols > 0, use_c = m > 0 && n > 0;
  const bool use_bias = has_bias && n > 0;
  bool ok;
  if (a.dtype == Dtype::F32) {
    ok = gemm<float>(trans_a, trans_b, m, n, k, float(alpha), use_a ? a.as<float>() + a_off : nullptr, lda,
                     use_b ? b.as<float>() + b_off : nullptr, ldb, float(beta),
                     use_c ? c.as<float>() + c_off : nullptr, ldc, use_bias ? bias.as<float>() : nullptr);
  } else {
    ok = gemm<double>(trans_a, trans_b, m, n, k, alpha, use_a ? a.as<double>() + a_off : nullptr, lda,
                      use_b ? b.as<double>() + b_off : nullptr, ldb, beta,
                      use_c ? c.as<double>() + c_off : nullptr, ldc, use_bias ? bias.as<double>() : nullptr);
  }
  if (!ok) throw Napi::Error::New(env, "gemm: out of memory allocating the packing buffers");
  return env.Undefined();
}

}  // namespace

void InitGemm(Napi::Env env, Napi::Object exports) { exports.Set("gemm", Napi::Function::New(env, Gemm, "gemm")); }

}  // namespace tl
