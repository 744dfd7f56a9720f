// fma_loop_avx2: kPeakChains independent __m256 accumulators, one FMA each per iteration.
#include "kernels/peak.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace tl {

double fma_loop_avx2(int64_t iters) {
  __m256 acc[kPeakChains];
  for (int c = 0; c < kPeakChains; c++) acc[c] = _mm256_set1_ps(1.0f + 0.001f * float(c));
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (int64_t i = 0; i < iters; i++) {
#pragma GCC unroll 12
    for (int c = 0; c < kPeakChains; c++) acc[c] = _mm256_fmadd_ps(acc[c], x, y);
  }
  alignas(64) float out[8];
  float sum = 0;
  for (int c = 0; c < kPeakChains; c++) {
    _mm256_storeu_ps(out, acc[c]);
    for (int l = 0; l < 8; l++) sum += out[l];
  }
  volatile float sink = sum;
  (void)sink;
  return double(iters) * kPeakChains * 8 * 2;
}

}  // namespace tl

#else

namespace tl {
double fma_loop_avx2(int64_t) { return 0; }
}  // namespace tl

#endif
