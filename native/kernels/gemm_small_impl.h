// The SIMD bodies of gemm_small.h, written once over a vector traits struct S
// (gemm_small.avx2.cc and gemm_small.avx512.cc define theirs, then include
// this file). Everything has internal linkage: code compiled with one ISA's
// flags can never be picked by the linker for another path.
//
// S provides: T, V (vector), M (mask), L (lanes), zero(), set1(t), load(p),
// maskz_load(M, p), mask_store(p, M, v), fma(a, b, c), mul(a, b), add(a, b),
// mask(count) (the first min(count, L) lanes; none for count <= 0), hsum(v).
#pragma once
#include <cstdint>

namespace tl {
namespace {

// Writes one register row of results: c = alpha * acc (+ beta * c) (+ bias).
template <class S>
inline void store_row(typename S::T* c, typename S::M m, typename S::V acc, typename S::V va, typename S::T beta,
                      const typename S::T* bias) {
  using V = typename S::V;
  V r = S::mul(va, acc);
  if (beta != typename S::T(0)) r = S::fma(S::set1(beta), S::maskz_load(m, c), r);
  if (bias) r = S::add(r, S::maskz_load(m, bias));
  S::mask_store(c, m, r);
}

// R rows of C (i0 .. i0+R-1) x 2 vectors of columns (j .. j+2L-1, masked at n).
template <class S, int R, bool TA>
inline void axpy_block(int64_t i0, int64_t j, int64_t n, int64_t k, typename S::T alpha,
                       const typename S::T* a, int64_t lda, const typename S::T* b, int64_t ldb, typename S::T beta,
                       typename S::T* c, int64_t ldc, const typename S::T* bias) {
  using V = typename S::V;
  constexpr int64_t L = S::L;
  const auto m0 = S::mask(n - j), m1 = S::mask(n - j - L);
  const bool two = n - j > L;
  V acc0[R], acc1[R];
  for (int r = 0; r < R; r++) acc0[r] = acc1[r] = S::zero();
  const typename S::T* bp = b + j;
  if (two) {
    for (int64_t p = 0; p < k; p++, bp += ldb) {
      const V b0 = S::maskz_load(m0, bp), b1 = S::maskz_load(m1, bp + L);
      for (int r = 0; r < R; r++) {
        const V av = S::set1(TA ? a[p * lda + i0 + r] : a[(i0 + r) * lda + p]);
        acc0[r] = S::fma(av, b0, acc0[r]);
        acc1[r] = S::fma(av, b1, acc1[r]);
      }
    }
  } else {
    for (int64_t p = 0; p < k; p++, bp += ldb) {
      const V b0 = S::maskz_load(m0, bp);
      for (int r = 0; r < R; r++) acc0[r] = S::fma(S::set1(TA ? a[p * lda + i0 + r] : a[(i0 + r) * lda + p]), b0, acc0[r]);
    }
  }
  const V va = S::set1(alpha);
  for (int r = 0; r < R; r++) {
    typename S::T* cr = c + (i0 + r) * ldc + j;
    store_row<S>(cr, m0, acc0[r], va, beta, bias ? bias + j : nullptr);
    if (two) store_row<S>(cr + L, m1, acc1[r], va, beta, bias ? bias + j + L : nullptr);
  }
}

template <class S, bool TA>
void axpy_rows(int64_t m, int64_t n, int64_t k, typename S::T alpha, const typename S::T* a, int64_t lda,
               const typename S::T* b, int64_t ldb, typename S::T beta, typename S::T* c, int64_t ldc,
               const typename S::T* bias) {
  constexpr int R = 6;
  for (int64_t j = 0; j < n; j += 2 * S::L) {
    int64_t i = 0;
    for (; i + R <= m; i += R) axpy_block<S, R, TA>(i, j, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
    switch (m - i) {
      case 5: axpy_block<S, 5, TA>(i, j, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias); break;
      case 4: axpy_block<S, 4, TA>(i, j, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias); break;
      case 3: axpy_block<S, 3, TA>(i, j, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias); break;
      case 2: axpy_block<S, 2, TA>(i, j, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias); break;
      case 1: axpy_block<S, 1, TA>(i, j, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias); break;
      default: break;
    }
  }
}

template <class S>
void axpy_impl(bool ta, int64_t m, int64_t n, int64_t k, typename S::T alpha, const typename S::T* a, int64_t lda,
               const typename S::T* b, int64_t ldb, typename S::T beta, typename S::T* c, int64_t ldc,
               const typename S::T* bias) {
  if (ta) axpy_rows<S, true>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
  else axpy_rows<S, false>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
}

// C(i, j0 .. j0+Q-1) = dot(A row i, B rows j0 ..) along k.
template <class S, int Q>
inline void dot_block(int64_t i, int64_t j0, int64_t k, typename S::T alpha, const typename S::T* a, int64_t lda,
                      const typename S::T* b, int64_t ldb, typename S::T beta, typename S::T* c, int64_t ldc,
                      const typename S::T* bias) {
  using V = typename S::V;
  using T = typename S::T;
  constexpr int64_t L = S::L;
  V acc[Q];
  for (int q = 0; q < Q; q++) acc[q] = S::zero();
  const T* ar = a + i * lda;
  int64_t p = 0;
  for (; p + L <= k; p += L) {
    const V av = S::load(ar + p);
    for (int q = 0; q < Q; q++) acc[q] = S::fma(av, S::load(b + (j0 + q) * ldb + p), acc[q]);
  }
  if (p < k) {
    const auto mk = S::mask(k - p);
    const V av = S::maskz_load(mk, ar + p);
    for (int q = 0; q < Q; q++) acc[q] = S::fma(av, S::maskz_load(mk, b + (j0 + q) * ldb + p), acc[q]);
  }
  T* cr = c + i * ldc + j0;
  for (int q = 0; q < Q; q++) {
    T v = alpha * S::hsum(acc[q]);
    if (beta != T(0)) v += beta * cr[q];
    if (bias) v += bias[j0 + q];
    cr[q] = v;
  }
}

template <class S>
void dot_impl(int64_t m, int64_t n, int64_t k, typename S::T alpha, const typename S::T* a, int64_t lda,
              const typename S::T* b, int64_t ldb, typename S::T beta, typename S::T* c, int64_t ldc,
              const typename S::T* bias) {
  for (int64_t i = 0; i < m; i++) {
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) dot_block<S, 4>(i, j, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
    switch (n - j) {
      case 3: dot_block<S, 3>(i, j, k, alpha, a, lda, b, ldb, beta, c, ldc, bias); break;
      case 2: dot_block<S, 2>(i, j, k, alpha, a, lda, b, ldb, beta, c, ldc, bias); break;
      case 1: dot_block<S, 1>(i, j, k, alpha, a, lda, b, ldb, beta, c, ldc, bias); break;
      default: break;
    }
  }
}

}  // namespace
}  // namespace tl
