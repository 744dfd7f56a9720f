// The portable direct small GEMM (plain loops, the reference for the SIMD
// bodies) and the per-ISA table.
#include "kernels/gemm_small.h"

namespace tl {
namespace {

template <typename T>
void axpy_ref(bool ta, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda, const T* b, int64_t ldb,
              T beta, T* c, int64_t ldc, const T* bias) {
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      T acc = 0;
      for (int64_t p = 0; p < k; p++) acc += (ta ? a[p * lda + i] : a[i * lda + p]) * b[p * ldb + j];
      T v = alpha * acc;
      if (beta != T(0)) v += beta * c[i * ldc + j];
      if (bias) v += bias[j];
      c[i * ldc + j] = v;
    }
}

template <typename T>
void dot_ref(int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda, const T* b, int64_t ldb, T beta,
             T* c, int64_t ldc, const T* bias) {
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      T acc = 0;
      for (int64_t p = 0; p < k; p++) acc += a[i * lda + p] * b[j * ldb + p];
      T v = alpha * acc;
      if (beta != T(0)) v += beta * c[i * ldc + j];
      if (bias) v += bias[j];
      c[i * ldc + j] = v;
    }
}

const SmallGemmKernels kSmallScalar = {
    {axpy_ref<float>, dot_ref<float>},
    {axpy_ref<double>, dot_ref<double>},
};

}  // namespace

const SmallGemmKernels& small_gemm_scalar() { return kSmallScalar; }

const SmallGemmKernels& small_gemm_kernels(Isa isa) {
  if (isa >= Isa::Avx512)
    if (const SmallGemmKernels* t = small_gemm_avx512()) return *t;
  if (isa >= Isa::Avx2)
    if (const SmallGemmKernels* t = small_gemm_avx2()) return *t;
  return kSmallScalar;
}

}  // namespace tl
