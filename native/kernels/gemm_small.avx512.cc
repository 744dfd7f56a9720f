// AVX-512 bodies of the direct small GEMM (gemm_small.h / gemm_small_impl.h).
#include "kernels/gemm_small.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>

namespace tl {
namespace {

struct S512F {
  using T = float;
  using V = __m512;
  using M = __mmask16;
  static constexpr int64_t L = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(T x) { return _mm512_set1_ps(x); }
  static V load(const T* p) { return _mm512_loadu_ps(p); }
  static V maskz_load(M m, const T* p) { return _mm512_maskz_loadu_ps(m, p); }
  static void mask_store(T* p, M m, V v) { _mm512_mask_storeu_ps(p, m, v); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static M mask(int64_t n) { return n <= 0 ? M(0) : n >= L ? M(0xFFFF) : M((1u << n) - 1); }
  static T hsum(V v) { return _mm512_reduce_add_ps(v); }
};

struct S512D {
  using T = double;
  using V = __m512d;
  using M = __mmask8;
  static constexpr int64_t L = 8;
  static V zero() { return _mm512_setzero_pd(); }
  static V set1(T x) { return _mm512_set1_pd(x); }
  static V load(const T* p) { return _mm512_loadu_pd(p); }
  static V maskz_load(M m, const T* p) { return _mm512_maskz_loadu_pd(m, p); }
  static void mask_store(T* p, M m, V v) { _mm512_mask_storeu_pd(p, m, v); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static M mask(int64_t n) { return n <= 0 ? M(0) : n >= L ? M(0xFF) : M((1u << n) - 1); }
  static T hsum(V v) { return _mm512_reduce_add_pd(v); }
};

}  // namespace
}  // namespace tl

#include "kernels/gemm_small_impl.h"

namespace tl {
namespace {
const SmallGemmKernels kSmall512 = {
    {axpy_impl<S512F>, dot_impl<S512F>},
    {axpy_impl<S512D>, dot_impl<S512D>},
};
}  // namespace
const SmallGemmKernels* small_gemm_avx512() { return &kSmall512; }
}  // namespace tl

#else

namespace tl {
const SmallGemmKernels* small_gemm_avx512() { return nullptr; }
}  // namespace tl

#endif
