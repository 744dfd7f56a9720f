// Vectorised float32 exp, log, tanh and sigmoid, written once over a vector
// traits struct S (one per instruction set: elementwise.avx2.cc and
// elementwise.avx512.cc include this file after defining theirs, each with its
// own compiler flags). Everything here has internal linkage, so code compiled
// with AVX-512 flags can never be picked by the linker for another path.
//
// Accuracy against the float64 result (2 million inputs over each function's
// whole range, test/native/vmath.test.ts; measured maxima in brackets):
// exp <= 1 ulp [0.91], log <= 1 ulp [0.67], tanh <= 1.5 ulp [1.13],
// sigmoid <= 2 ulp [1.8]. (The scalar reference, glibc's float functions and
// the same sigmoid formula: 0.5, 0.5, 2.1 and 2.2.) Special values match the scalar reference:
// NaN propagates; exp(+inf) = inf, exp(-inf) = 0, exp overflows to inf above
// 88.72 and gives denormals down to -103.97 (then 0); log(0) = -inf,
// log(x < 0) = NaN, log(inf) = inf, log of a denormal is exact-ish (the input
// is rescaled); tanh(+-inf) = +-1, tanh(-0) = -0; sigmoid(-inf) = 0.
//
// Methods: exp by range reduction x = n ln2 + r (ln2 split in two for an exact
// reduction), a degree-6 polynomial for e^r on |r| <= ln2/2, and 2^n applied as
// two factors so that results in the denormal range are still produced; log
// from x = m 2^e with m in [sqrt(1/2), sqrt(2)) and a degree-9 polynomial in
// m - 1 (the coefficients of the classic Cephes single-precision routines,
// which are public domain); tanh as an odd polynomial below |x| = 0.625 and
// 1 - 2 / (e^{2|x|} + 1) above; sigmoid from e^{-|x|} as the scalar reference.
#pragma once

namespace tl::vmath {
namespace {

template <class S>
inline typename S::V exp_v(typename S::V x) {
  using V = typename S::V;
  const V hi = S::set1(88.7228394f), lo = S::set1(-103.972084f);
  const V xc = S::min(S::max(x, lo), hi);
  // n = round(x / ln2); r = x - n ln2 with ln2 = 0.693359375 - 2.12194440e-4 (both parts exact in float).
  const V n = S::round(S::mul(xc, S::set1(1.44269504088896341f)));
  V r = S::fnmadd(n, S::set1(0.693359375f), xc);
  r = S::fnmadd(n, S::set1(-2.12194440e-4f), r);
  V p = S::set1(1.9875691500E-4f);
  p = S::fmadd(p, r, S::set1(1.3981999507E-3f));
  p = S::fmadd(p, r, S::set1(8.3334519073E-3f));
  p = S::fmadd(p, r, S::set1(4.1665795894E-2f));
  p = S::fmadd(p, r, S::set1(1.6666665459E-1f));
  p = S::fmadd(p, r, S::set1(5.0000001201E-1f));
  // e^r = 1 + (r + r^2 P(r)): the small part is formed with one rounding and 1 is added
  // last, which keeps the error near 0.6 ulp (1 + r first would cost another half ulp).
  p = S::add(S::fmadd(p, S::mul(r, r), r), S::set1(1.0f));
  // 2^n as 2^(n/2) * 2^(n - n/2): each factor stays a normal float for n in [-150, 128].
  const auto ni = S::cvt_int(n);
  const auto n1 = S::srai1(ni);
  const auto n2 = S::sub_int(ni, n1);
  V res = S::mul(S::mul(p, S::pow2(n1)), S::pow2(n2));
  res = S::select(S::gt(x, hi), S::set1(__builtin_inff()), res);
  res = S::select(S::lt(x, lo), S::zero(), res);
  return S::select(S::isnan(x), x, res);
}

template <class S>
inline typename S::V log_v(typename S::V x) {
  using V = typename S::V;
  // Denormal inputs: scale by 2^23 first (their exponent field is 0).
  const auto tiny = S::lt(x, S::set1(1.17549435e-38f));
  const V xs = S::select(tiny, S::mul(x, S::set1(8388608.0f)), x);
  V e = S::sub(S::exponent(xs), S::select(tiny, S::set1(23.0f), S::zero()));  // unbiased exponent + 1 (m in [0.5, 1))
  V m = S::mantissa_half(xs);                                                 // m in [0.5, 1)
  const auto small = S::lt(m, S::set1(0.707106781186547524f));
  // m < sqrt(1/2): use 2m - 1 and e - 1, so that m - 1 lies in [-0.29, 0.41].
  m = S::sub(S::add(m, S::select(small, m, S::zero())), S::set1(1.0f));
  e = S::sub(e, S::select(small, S::set1(1.0f), S::zero()));
  const V z = S::mul(m, m);
  V y = S::set1(7.0376836292E-2f);
  y = S::fmadd(y, m, S::set1(-1.1514610310E-1f));
  y = S::fmadd(y, m, S::set1(1.1676998740E-1f));
  y = S::fmadd(y, m, S::set1(-1.2420140846E-1f));
  y = S::fmadd(y, m, S::set1(1.4249322787E-1f));
  y = S::fmadd(y, m, S::set1(-1.6668057665E-1f));
  y = S::fmadd(y, m, S::set1(2.0000714765E-1f));
  y = S::fmadd(y, m, S::set1(-2.4999993993E-1f));
  y = S::fmadd(y, m, S::set1(3.3333331174E-1f));
  y = S::mul(S::mul(y, m), z);
  y = S::fmadd(e, S::set1(-2.12194440e-4f), y);
  y = S::fnmadd(z, S::set1(0.5f), y);
  V res = S::add(m, y);
  res = S::fmadd(e, S::set1(0.693359375f), res);
  // Special values: log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, NaN stays NaN.
  res = S::select(S::eq(x, S::zero()), S::set1(-__builtin_inff()), res);
  res = S::select(S::lt(x, S::zero()), S::set1(__builtin_nanf("")), res);
  res = S::select(S::eq(x, S::set1(__builtin_inff())), x, res);
  return S::select(S::isnan(x), x, res);
}

template <class S>
inline typename S::V tanh_v(typename S::V x) {
  using V = typename S::V;
  const V ax = S::abs(x);
  // Small |x|: tanh x = x + x z P(z), z = x^2.
  const V z = S::mul(x, x);
  V p = S::set1(-5.70498872745E-3f);
  p = S::fmadd(p, z, S::set1(2.06390887954E-2f));
  p = S::fmadd(p, z, S::set1(-5.37397155531E-2f));
  p = S::fmadd(p, z, S::set1(1.33314422036E-1f));
  p = S::fmadd(p, z, S::set1(-3.33332819422E-1f));
  const V small = S::fmadd(S::mul(p, z), x, x);
  // Larger |x|: 1 - 2 / (e^{2|x|} + 1), with x's sign (saturates to +-1; NaN stays NaN).
  const V e = exp_v<S>(S::add(ax, ax));
  const V big = S::sub(S::set1(1.0f), S::div(S::set1(2.0f), S::add(e, S::set1(1.0f))));
  const V res = S::select(S::lt(ax, S::set1(0.625f)), small, S::copysign(big, x));
  return S::select(S::isnan(x), x, res);
}

template <class S>
inline typename S::V sigmoid_v(typename S::V x) {
  using V = typename S::V;
  const V e = exp_v<S>(S::neg(S::abs(x)));  // in (0, 1]: never overflows
  // x >= 0: 1 / (1 + e); x < 0: e / (1 + e), one division either way. The
  // rounding error of d = 1 + e is recovered exactly (Fast2Sum, as 1 >= e) and
  // taken out of the quotient: q / (1 + err/d), with 1/d = q (x >= 0) or 1 - q.
  const auto pos = S::ge(x, S::zero());
  const V one = S::set1(1.0f);
  const V num = S::select(pos, one, e);
  const V d = S::add(one, e);
  const V err = S::sub(e, S::sub(d, one));
  const V q = S::div(num, d);
  const V inv_d = S::select(pos, q, S::sub(one, q));
  const V res = S::fnmadd(S::mul(q, err), inv_d, q);
  return S::select(S::isnan(x), x, res);
}

// y[i] = f(x[i]) over n elements: whole vectors, then the tail through a
// zero-padded stack buffer (no masked memory access needed, no read past n).
template <class S, typename F>
inline void map(size_t n, const float* x, float* y, F f) {
  constexpr size_t L = S::L;
  size_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const typename S::V a = f(S::load(x + i)), b = f(S::load(x + i + L));
    S::store(y + i, a);
    S::store(y + i + L, b);
  }
  for (; i + L <= n; i += L) S::store(y + i, f(S::load(x + i)));
  if (i < n) {
    alignas(64) float buf[L] = {};
    for (size_t j = 0; j < n - i; j++) buf[j] = x[i + j];
    S::store(buf, f(S::load(buf)));
    for (size_t j = 0; j < n - i; j++) y[i + j] = buf[j];
  }
}

}  // namespace
}  // namespace tl::vmath
