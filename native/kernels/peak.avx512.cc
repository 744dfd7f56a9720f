// fma_loop_avx512: kPeakChains independent __m512 accumulators, one FMA each per iteration.
#include "kernels/peak.h"

#if defined(__AVX512F__)
#include <immintrin.h>

namespace tl {

double fma_loop_avx512(int64_t iters) {
  __m512 acc[kPeakChains];
  for (int c = 0; c < kPeakChains; c++) acc[c] = _mm512_set1_ps(1.0f + 0.001f * float(c));
  const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
  for (int64_t i = 0; i < iters; i++) {
#pragma GCC unroll 12
    for (int c = 0; c < kPeakChains; c++) acc[c] = _mm512_fmadd_ps(acc[c], x, y);
  }
  alignas(64) float out[16];
  float sum = 0;
  for (int c = 0; c < kPeakChains; c++) {
    _mm512_storeu_ps(out, acc[c]);
    for (int l = 0; l < 16; l++) sum += out[l];
  }
  volatile float sink = sum;
  (void)sink;
  return double(iters) * kPeakChains * 16 * 2;
}

}  // namespace tl

#else

namespace tl {
double fma_loop_avx512(int64_t) { return 0; }
}  // namespace tl

#endif
