// Direct GEMM for shapes where packing costs more than it saves: a few rows
// (batch-1 inference, the weight gradients of a tiny network), a few columns,
// or a product so small that the blocked driver's packing dominates. Same
// contract as gemm() in gemm.h (row-major, beta == 0 never reads C, bias
// added to every row and read before C is written, no alignment assumed).
//
// Two loop shapes, both vectorised along a contiguous dimension:
//   axpy: op(B) not transposed. C(i, j..j+W) += A(i, p) * B(p, j..j+W) for p
//         ascending: a block of rows x 1-2 vectors of columns stays in
//         registers, B's rows stream from cache. A may be transposed (a
//         scalar is broadcast either way).
//   dot:  A not transposed, B transposed (x W^T of a Linear with few rows):
//         C(i, j) = dot(A row i, B row j) along k, four rows of B at a time,
//         each a vector accumulator reduced at the end.
// Each element of C is computed by one fixed sequence of operations, chosen by
// the shape only, so results do not depend on the thread count.
#pragma once
#include <cstdint>

#include "runtime/cpu.h"

namespace tl {

template <typename T>
struct SmallGemm {
  void (*axpy)(bool trans_a, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda, const T* b,
               int64_t ldb, T beta, T* c, int64_t ldc, const T* bias);
  void (*dot)(int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda, const T* b, int64_t ldb, T beta,
              T* c, int64_t ldc, const T* bias);
};

struct SmallGemmKernels {
  SmallGemm<float> f32;
  SmallGemm<double> f64;
};

const SmallGemmKernels& small_gemm_scalar();   // gemm_small.cc
const SmallGemmKernels* small_gemm_avx2();     // gemm_small.avx2.cc; null when not compiled for x86
const SmallGemmKernels* small_gemm_avx512();   // gemm_small.avx512.cc
const SmallGemmKernels& small_gemm_kernels(Isa isa);

}  // namespace tl
