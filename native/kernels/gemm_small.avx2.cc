// AVX2+FMA bodies of the direct small GEMM (gemm_small.h / gemm_small_impl.h).
// Masks are lane vectors (maskload/maskstore never touch masked-out lanes).
#include "kernels/gemm_small.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace tl {
namespace {

struct S256F {
  using T = float;
  using V = __m256;
  using M = __m256i;
  static constexpr int64_t L = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(T x) { return _mm256_set1_ps(x); }
  static V load(const T* p) { return _mm256_loadu_ps(p); }
  static V maskz_load(M m, const T* p) { return _mm256_maskload_ps(p, m); }
  static void mask_store(T* p, M m, V v) { _mm256_maskstore_ps(p, m, v); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static M mask(int64_t n) {
    const int c = n <= 0 ? 0 : n >= L ? int(L) : int(n);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(c), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static T hsum(V v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
};

struct S256D {
  using T = double;
  using V = __m256d;
  using M = __m256i;
  static constexpr int64_t L = 4;
  static V zero() { return _mm256_setzero_pd(); }
  static V set1(T x) { return _mm256_set1_pd(x); }
  static V load(const T* p) { return _mm256_loadu_pd(p); }
  static V maskz_load(M m, const T* p) { return _mm256_maskload_pd(p, m); }
  static void mask_store(T* p, M m, V v) { _mm256_maskstore_pd(p, m, v); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static M mask(int64_t n) {
    const long long c = n <= 0 ? 0 : n >= L ? L : n;
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(c), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static T hsum(V v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    s = _mm_add_sd(s, _mm_unpackhi_pd(s, s));
    return _mm_cvtsd_f64(s);
  }
};

}  // namespace
}  // namespace tl

#include "kernels/gemm_small_impl.h"

namespace tl {
namespace {
const SmallGemmKernels kSmall256 = {
    {axpy_impl<S256F>, dot_impl<S256F>},
    {axpy_impl<S256D>, dot_impl<S256D>},
};
}  // namespace
const SmallGemmKernels* small_gemm_avx2() { return &kSmall256; }
}  // namespace tl

#else

namespace tl {
const SmallGemmKernels* small_gemm_avx2() { return nullptr; }
}  // namespace tl

#endif
