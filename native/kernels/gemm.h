// GEMM: C = alpha * op(A) * op(B) + beta * C (+ bias[j] added to every row).
//
// Layout: every matrix is row-major with a leading dimension (elements between
// the starts of two consecutive rows):
//   op(A) is m x k: A(i,p) = a[i*lda + p], or a[p*lda + i] when trans_a;
//   op(B) is k x n: B(p,j) = b[p*ldb + j], or b[j*ldb + p] when trans_b;
//   C     is m x n: C(i,j) = c[i*ldc + j].
// Transposed operands are handled by the packing routines; nothing is ever
// copied out as a transposed matrix first.
//
// Semantics (those of BLAS ?gemm, plus the fused bias of a Linear layer):
// - beta == 0 means C is write-only: its old contents are never read, so NaN
//   or garbage in C cannot propagate.
// - k == 0 or alpha == 0: A and B are not read; C = beta * C + bias.
// - bias (length n) may be null. It is read once, before C is written, so it
//   may alias C.
// - C must not overlap A or B (the binding checks the address ranges).
// - No alignment is assumed for a, b, c or any leading dimension.
// - m, n or k may be 0; then nothing is read from an empty operand and an empty
//   C is not touched. Pointers of empty operands are never dereferenced.
//
// Who handles what:
// - The driver (gemm.cc) packs A into MR-row panels and B into NR-column
//   panels in thread-local, 64-byte aligned scratch, zero-padded to a whole
//   panel, and walks the BLIS loop nest (NC / KC / MC / NR / MR).
// - The micro-kernel handles tails: it always computes a full MR x NR tile
//   from the padded panels but reads/writes only the valid mr x nr corner of C
//   (masked stores on AVX-512/AVX2), so edge tiles need no temp copy.
// - Kernels never throw. The only allocation is growing the scratch buffers,
//   which happens outside the hot loops and only when a call needs more than
//   any previous one on this thread (steady state: no malloc). gemm() returns
//   false if that allocation fails; C is then unchanged.
#pragma once
#include <cstddef>
#include <cstdint>

#include "runtime/cpu.h"

namespace tl {

// Micro-kernel contract. `a` is a packed MR x kc panel, column by column:
// A(i,p) at a[p*MR + i]; `b` is a packed kc x NR panel, row by row: B(p,j) at
// b[p*NR + j]. Kernels use unaligned loads; the driver starts every B panel on
// a 64-byte boundary when NR*sizeof(T) is a multiple of 64, so its row loads
// never split a cache line.
// For i < mr <= MR, j < nr <= NR:
//   c[i*ldc + j] = alpha * sum_{p<kc} A(i,p) B(p,j) + (beta == 0 ? 0 : beta * c[i*ldc + j])
//                  + (bias ? bias[j] : 0)
// kc may be 0 (then the sum is 0). c is not read when beta == 0.
template <typename T>
using GemmUkr = void (*)(int64_t kc, const T* a, const T* b, T* c, int64_t ldc, int64_t mr, int64_t nr, T alpha,
                         T beta, const T* bias);

// A micro-kernel with its register tile and the cache blocks tuned for it.
// MC is a multiple of MR and NC a multiple of NR.
template <typename T>
struct GemmKernel {
  GemmUkr<T> ukr;
  int64_t mr, nr;      // register tile
  int64_t mc, kc, nc;  // cache blocks: A block mc x kc (L2), B panel kc x nr (L1), B block kc x nc (L3)
  const char* name;    // e.g. "sgemm_ukr_avx512_12x32"
};

struct GemmKernels {
  GemmKernel<float> f32;
  GemmKernel<double> f64;
};

// Per-ISA tables. The SIMD ones live in gemm.<isa>.cc and return null when
// that file was compiled without its instruction set (non-x86 builds).
const GemmKernels& gemm_kernels_scalar();  // gemm.cc
const GemmKernels* gemm_kernels_avx2();    // gemm.avx2.cc
const GemmKernels* gemm_kernels_avx512();  // gemm.avx512.cc
// The table for `isa`, falling back to the next lower one that is compiled in.
const GemmKernels& gemm_kernels(Isa isa);

// The blocked driver, dispatching on tl::active_isa() at each call.
// Returns false only if the packing scratch could not be allocated.
template <typename T>
bool gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
          const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const T* bias);

// Same, with an explicit micro-kernel (tests and benchmarks of one ISA).
template <typename T>
bool gemm_with(const GemmKernel<T>& kern, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
               const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const T* bias);

// Naive triple loop with the same contract, accumulating in double: the
// oracle for tests of the blocked path. Not for production use.
template <typename T>
void gemm_ref(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
              const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const T* bias);

}  // namespace tl
