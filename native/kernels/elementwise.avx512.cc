// AVX-512 bodies of the elementwise family: float32 exp, log, tanh, sigmoid
// (vmath.h over 16-lane zmm vectors). Compiled with -mavx512f/dq/bw/vl; only
// reached after runtime/cpu.cc found AVX-512.
#include "kernels/elementwise.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>

namespace tl::elementwise {
namespace {

struct S512 {
  using V = __m512;
  using I = __m512i;
  using M = __mmask16;
  static constexpr size_t L = 16;
  static V set1(float v) { return _mm512_set1_ps(v); }
  static V zero() { return _mm512_setzero_ps(); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V fnmadd(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
  static V min(V a, V b) { return _mm512_min_ps(a, b); }
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  static V abs(V a) { return _mm512_abs_ps(a); }
  static V neg(V a) { return _mm512_xor_ps(a, _mm512_set1_ps(-0.0f)); }
  static V copysign(V mag, V sgn) {
    const V s = _mm512_set1_ps(-0.0f);
    return _mm512_or_ps(_mm512_andnot_ps(s, mag), _mm512_and_ps(s, sgn));
  }
  static V round(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static I cvt_int(V a) { return _mm512_cvtps_epi32(a); }
  static I srai1(I a) { return _mm512_srai_epi32(a, 1); }
  static I sub_int(I a, I b) { return _mm512_sub_epi32(a, b); }
  static V pow2(I k) { return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(k, _mm512_set1_epi32(127)), 23)); }
  static V exponent(V x) {
    const I bits = _mm512_srli_epi32(_mm512_castps_si512(x), 23);
    return _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_and_si512(bits, _mm512_set1_epi32(0xff)), _mm512_set1_epi32(126)));
  }
  static V mantissa_half(V x) {
    const I m = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x007fffff));
    return _mm512_castsi512_ps(_mm512_or_si512(m, _mm512_set1_epi32(0x3f000000)));
  }
  static V select(M m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }
  static M gt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static M lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static M ge(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
  static M eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static M isnan(V a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
};

}  // namespace
}  // namespace tl::elementwise

#include "kernels/vmath.h"
#include "kernels/elementwise_ref_impl.h"

namespace tl::elementwise {

bool unary_f32_avx512(UnaryOp op, size_t n, const float* x, float* y) {
  using S = S512;
  switch (op) {
    case UnaryOp::Exp: vmath::map<S>(n, x, y, [](S::V v) { return vmath::exp_v<S>(v); }); return true;
    case UnaryOp::Log: vmath::map<S>(n, x, y, [](S::V v) { return vmath::log_v<S>(v); }); return true;
    case UnaryOp::Tanh: vmath::map<S>(n, x, y, [](S::V v) { return vmath::tanh_v<S>(v); }); return true;
    case UnaryOp::Sigmoid: vmath::map<S>(n, x, y, [](S::V v) { return vmath::sigmoid_v<S>(v); }); return true;
    default: return false;
  }
}

TL_DEFINE_UNARY_GENERIC(avx512)

}  // namespace tl::elementwise

#else

namespace tl::elementwise {
bool unary_f32_avx512(UnaryOp, size_t, const float*, float*) { return false; }
bool unary_generic_avx512(UnaryOp, size_t, const float*, float*, float, float) { return false; }
bool unary_generic_avx512(UnaryOp, size_t, const double*, double*, double, double) { return false; }
bool unary_backward_generic_avx512(UnaryOp, size_t, const float*, const float*, const float*, float*, float, float) { return false; }
bool unary_backward_generic_avx512(UnaryOp, size_t, const double*, const double*, const double*, double*, double, double) { return false; }

}  // namespace tl::elementwise

#endif
