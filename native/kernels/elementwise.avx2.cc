// AVX2+FMA bodies of the elementwise family: float32 exp, log, tanh, sigmoid
// (vmath.h over 8-lane ymm vectors). Compiled with -mavx2 -mfma; only reached
// after runtime/cpu.cc found AVX2 and FMA.
#include "kernels/elementwise.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace tl::elementwise {
namespace {

struct S256 {
  using V = __m256;
  using I = __m256i;
  using M = __m256;  // all-ones lanes where true
  static constexpr size_t L = 8;
  static V set1(float v) { return _mm256_set1_ps(v); }
  static V zero() { return _mm256_setzero_ps(); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V fnmadd(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
  static V min(V a, V b) { return _mm256_min_ps(a, b); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static V abs(V a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  static V neg(V a) { return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f)); }
  static V copysign(V mag, V sgn) {
    const V s = _mm256_set1_ps(-0.0f);
    return _mm256_or_ps(_mm256_andnot_ps(s, mag), _mm256_and_ps(s, sgn));
  }
  static V round(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static I cvt_int(V a) { return _mm256_cvtps_epi32(a); }
  static I srai1(I a) { return _mm256_srai_epi32(a, 1); }
  static I sub_int(I a, I b) { return _mm256_sub_epi32(a, b); }
  static V pow2(I k) { return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(127)), 23)); }
  static V exponent(V x) {
    const I bits = _mm256_srli_epi32(_mm256_castps_si256(x), 23);
    return _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_and_si256(bits, _mm256_set1_epi32(0xff)), _mm256_set1_epi32(126)));
  }
  static V mantissa_half(V x) {
    const I m = _mm256_and_si256(_mm256_castps_si256(x), _mm256_set1_epi32(0x007fffff));
    return _mm256_castsi256_ps(_mm256_or_si256(m, _mm256_set1_epi32(0x3f000000)));
  }
  static V select(M m, V a, V b) { return _mm256_blendv_ps(b, a, m); }
  static M gt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static M lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static M ge(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
  static M eq(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static M isnan(V a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
};

}  // namespace
}  // namespace tl::elementwise

#include "kernels/vmath.h"
#include "kernels/elementwise_ref_impl.h"

namespace tl::elementwise {

bool unary_f32_avx2(UnaryOp op, size_t n, const float* x, float* y) {
  using S = S256;
  switch (op) {
    case UnaryOp::Exp: vmath::map<S>(n, x, y, [](S::V v) { return vmath::exp_v<S>(v); }); return true;
    case UnaryOp::Log: vmath::map<S>(n, x, y, [](S::V v) { return vmath::log_v<S>(v); }); return true;
    case UnaryOp::Tanh: vmath::map<S>(n, x, y, [](S::V v) { return vmath::tanh_v<S>(v); }); return true;
    case UnaryOp::Sigmoid: vmath::map<S>(n, x, y, [](S::V v) { return vmath::sigmoid_v<S>(v); }); return true;
    default: return false;
  }
}

TL_DEFINE_UNARY_GENERIC(avx2)

}  // namespace tl::elementwise

#else

namespace tl::elementwise {
bool unary_f32_avx2(UnaryOp, size_t, const float*, float*) { return false; }
bool unary_generic_avx2(UnaryOp, size_t, const float*, float*, float, float) { return false; }
bool unary_generic_avx2(UnaryOp, size_t, const double*, double*, double, double) { return false; }
bool unary_backward_generic_avx2(UnaryOp, size_t, const float*, const float*, const float*, float*, float, float) { return false; }
bool unary_backward_generic_avx2(UnaryOp, size_t, const double*, const double*, const double*, double*, double, double) { return false; }

}  // namespace tl::elementwise

#endif
