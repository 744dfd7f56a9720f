// AVX2+FMA GEMM micro-kernels: sgemm_ukr_avx2_6x16 and dgemm_ukr_avx2_6x8.
//
// Compiled with -mavx2 -mfma; only reached after runtime/cpu.cc found AVX2
// and FMA. Everything except the table getter has internal linkage, so no
// function compiled with these flags can be picked by the linker for the
// portable path (the inline/template ODR trap).
//
// Register tile (the Haswell shape BLIS made standard): 6 rows x 2 ymm
// columns = 12 accumulators + 2 B rows + 1 broadcast = 15 of 16 ymm; 12 FMA
// chains cover 2 ports x 4-5 cycles latency.
//
// The cache blocks come from the detected cache sizes (gemm_blocks in
// gemm.cc); packing uses the SIMD packers of gemm_pack_simd.h. Checked
// single-threaded on the AMD EPYC (Zen 5) of gemm.avx512.cc with AVX-512
// switched off (measured ymm FMA peak 130-135 GFLOP/s f32): MC 96 / KC 1024
// / NC 1024 f32 and MC 48 / KC 1024 / NC 512 f64 run at 88-97% of that peak
// from 512 to 2048 and on the MLP products; KC 256 was within noise of it.
// No in-place B variant here: with vmaskmovps loads it was 7% slower than
// packing at m = 64.
#include "kernels/gemm.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "kernels/gemm_pack_simd.h"

namespace tl {

namespace {

struct VF32 {
  using T = float;
  using V = __m256;
  using M = __m256i;
  static constexpr int L = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(T x) { return _mm256_set1_ps(x); }
  static V load(const T* p) { return _mm256_loadu_ps(p); }
  static V mask_load(const T* p, M m) { return _mm256_maskload_ps(p, m); }
  static void mask_store(T* p, M m, V v) { _mm256_maskstore_ps(p, m, v); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  // Lane q is on when q < n.
  static M mask(int64_t n) {
    const int k = n <= 0 ? 0 : n >= L ? L : int(n);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
};

struct VF64 {
  using T = double;
  using V = __m256d;
  using M = __m256i;
  static constexpr int L = 4;
  static V zero() { return _mm256_setzero_pd(); }
  static V set1(T x) { return _mm256_set1_pd(x); }
  static V load(const T* p) { return _mm256_loadu_pd(p); }
  static V mask_load(const T* p, M m) { return _mm256_maskload_pd(p, m); }
  static void mask_store(T* p, M m, V v) { _mm256_maskstore_pd(p, m, v); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static M mask(int64_t n) {
    const long long k = n <= 0 ? 0 : n >= L ? L : n;
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(k), _mm256_setr_epi64x(0, 1, 2, 3));
  }
};

// How many k steps before the end of the loop the C tile starts to be fetched.
constexpr int64_t kTailSteps = 48;

// One row of a C tile: 2 vectors = 64 bytes, so at most 2 cache lines.
// always_inline: GCC 12 infers a separate function of prefetches to be const
// and drops the calls (the k loop then waits for C at every epilogue).
inline __attribute__((always_inline)) void prefetch_c_row(const void* p) {
  const char* q = static_cast<const char*>(p);
  _mm_prefetch(q, _MM_HINT_T0);
  _mm_prefetch(q + 63, _MM_HINT_T0);
}

// MR x (2 vectors) tile; see gemm.avx512.cc for the structure. vmaskmov
// neither reads nor faults on masked-out lanes, so C's tails stay untouched.
template <class S, int MR>
inline __attribute__((always_inline)) void ukr_2v(int64_t kc, const typename S::T* a, const typename S::T* b,
                                                  typename S::T* c, int64_t ldc, int64_t mr, int64_t nr,
                                                  typename S::T alpha, typename S::T beta,
                                                  const typename S::T* bias) {
  using V = typename S::V;
  constexpr int L = S::L;
  V c0[MR], c1[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) c0[i] = c1[i] = S::zero();

  auto steps = [&](int64_t n) {
#pragma GCC unroll 4
    for (int64_t p = 0; p < n; p++) {
      const V b0 = S::load(b), b1 = S::load(b + L);
#pragma GCC unroll 16
      for (int i = 0; i < MR; i++) {
        const V ai = S::set1(a[i]);
        c0[i] = S::fma(ai, b0, c0[i]);
        c1[i] = S::fma(ai, b1, c1[i]);
      }
      a += MR;
      b += 2 * L;
    }
  };
  // Fetch the C tile during the last kTailSteps iterations (see gemm.avx512.cc).
  constexpr int64_t per = kTailSteps / MR;
  if (kc > per * MR) {
    steps(kc - per * MR);
    const typename S::T* ci = c;
    for (int64_t i = 0; i < MR; i++, ci += ldc) {
      if (i < mr) prefetch_c_row(ci);
      steps(per);
    }
  } else {
    for (int64_t i = 0; i < mr; i++) prefetch_c_row(c + i * ldc);
    steps(kc);
  }

  const auto m0 = S::mask(nr), m1 = S::mask(nr - L);
  const V va = S::set1(alpha), vb = S::set1(beta);
  const V bias0 = bias ? S::mask_load(bias, m0) : S::zero();
  const V bias1 = bias ? S::mask_load(bias + L, m1) : S::zero();
  const bool read_c = beta != typename S::T(0);
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
    if (i < mr) {
      typename S::T* ci = c + i * ldc;
      V r0 = S::mul(va, c0[i]), r1 = S::mul(va, c1[i]);
      if (read_c) {
        r0 = S::fma(vb, S::mask_load(ci, m0), r0);
        r1 = S::fma(vb, S::mask_load(ci + L, m1), r1);
      }
      if (bias) {
        r0 = S::add(r0, bias0);
        r1 = S::add(r1, bias1);
      }
      S::mask_store(ci, m0, r0);
      S::mask_store(ci + L, m1, r1);
    }
}

void sgemm_ukr_avx2_6x16(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr, int64_t nr,
                         float alpha, float beta, const float* bias) {
  ukr_2v<VF32, 6>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias);
}

void dgemm_ukr_avx2_6x8(int64_t kc, const double* a, const double* b, double* c, int64_t ldc, int64_t mr,
                        int64_t nr, double alpha, double beta, const double* bias) {
  ukr_2v<VF64, 6>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias);
}

const GemmKernels kAvx2 = {
    {sgemm_ukr_avx2_6x16, 6, 16, simd_pack_a<float, 6>, simd_pack_b<float, 16>, nullptr, "sgemm_ukr_avx2_6x16"},
    {nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr},
    {dgemm_ukr_avx2_6x8, 6, 8, simd_pack_a<double, 6>, simd_pack_b<double, 8>, nullptr, "dgemm_ukr_avx2_6x8"},
    {nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr},
};

}  // namespace

const GemmKernels* gemm_kernels_avx2() { return &kAvx2; }

}  // namespace tl

#else  // built without AVX2 (e.g. a non-x86 target): no table

namespace tl {
const GemmKernels* gemm_kernels_avx2() { return nullptr; }
}  // namespace tl

#endif
