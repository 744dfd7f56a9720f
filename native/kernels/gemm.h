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
//   panel, and walks the BLIS loop nest (NC / KC / MC / NR / MR), with cache
//   blocks derived from the detected cache sizes (gemm_blocks). A plain B
//   under a short A (one MC block) is read in place by kernels that can
//   (GemmUkrDirectB) instead of being packed.
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

// Optional: the same micro-kernel reading B in place from a plain
// (not transposed) op(B): row p of the panel is b + p*ldb, of which only the
// nr valid columns are read. Same result as packing that panel first.
template <typename T>
using GemmUkrDirectB = void (*)(int64_t kc, const T* a, const T* b, int64_t ldb, T* c, int64_t ldc, int64_t mr,
                                int64_t nr, T alpha, T beta, const T* bias);

// Packing routines (optional, per ISA): pack_a packs the mc x kc block of
// op(A) starting at `a` into ceil(mc/MR) MR-row panels, pack_b the kc x nc
// block of op(B) into ceil(nc/NR) NR-column panels, both zero-padded, in the
// layouts above, panel after panel (MR*kc resp. NR*kc elements each).
template <typename T>
using GemmPackA = void (*)(bool trans, int64_t mc, int64_t kc, const T* a, int64_t lda, T* dst);
template <typename T>
using GemmPackB = void (*)(bool trans, int64_t kc, int64_t nc, const T* b, int64_t ldb, T* dst);

// A micro-kernel with its register tile and its packers.
template <typename T>
struct GemmKernel {
  GemmUkr<T> ukr;
  int64_t mr, nr;        // register tile
  GemmPackA<T> pack_a;   // null: the portable packing loops of gemm.cc
  GemmPackB<T> pack_b;
  GemmUkrDirectB<T> ukr_direct_b;  // null if none
  const char* name;      // e.g. "sgemm_ukr_avx512_12x32"
};

// Each ISA has a main kernel per type and may have an alternative with
// another MR and the same NR (`*_alt`, ukr null if none). gemm() takes the
// alternative when the main kernel would pad the last row tile with more
// than m/64 extra rows than it (e.g. m = 36 is 3 x 12 rows but 5 x 8 - 4).
// Every kernel accumulates each element of C in the same order (one FMA per
// p, p ascending, from 0), so the choice never changes a result.
struct GemmKernels {
  GemmKernel<float> f32, f32_alt;
  GemmKernel<double> f64, f64_alt;
};

// The cache blocks: the driver packs a kc x nc block of B (kept in L3) and an
// mc x kc block of A (kept in L2); each micro-kernel call streams one MR x kc
// A panel and one kc x NR B panel. kc is the largest block of k: k is cut
// into ceil(k / kc_max) near-equal pieces, a multiple of 8 each but the last.
struct GemmBlocks {
  int64_t mc, kc, nc;
};
// Blocks for kernel K on this CPU (tl::cache_sizes()) and inner dimension k.
// They depend only on K, the caches and k, never on m, n or the thread
// count: the k blocking fixes the order of the FMAs into each element of C.
template <typename T>
GemmBlocks gemm_blocks(const GemmKernel<T>& K, int64_t k);

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

// Same, single-threaded, with an explicit micro-kernel (tests and benchmarks
// of one ISA).
template <typename T>
bool gemm_with(const GemmKernel<T>& kern, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
               const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const T* bias);

// Naive triple loop with the same contract, accumulating in double: the
// oracle for tests of the blocked path. Not for production use.
template <typename T>
void gemm_ref(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
              const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const T* bias);

}  // namespace tl
