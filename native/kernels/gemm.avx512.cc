// AVX-512 GEMM micro-kernels: sgemm_ukr_avx512_8x32 / _12x32 and
// dgemm_ukr_avx512_8x16 / _12x16, each also in a variant that reads B in
// place (GemmUkrDirectB), and the table with the SIMD packers.
//
// Compiled with -mavx512f -mavx512vl -mavx512bw -mavx512dq -mfma; only
// reached after runtime/cpu.cc found AVX-512. Everything except the table
// getter has internal linkage, so no function compiled with these flags can be
// picked by the linker for the portable path (the inline/template ODR trap).
//
// Register tile: MR rows x 2 zmm columns, MR = 8 (16 accumulators) or 12
// (24), + 2 B rows + 1 broadcast. Per k step 2*MR FMAs against 2 vector loads
// and MR broadcast loads. In isolation (panels in L1) both run at 97-100% of
// the measured FMA peak on Zen 5, and 8 rows was as fast or faster end to end
// (by 1-3% at 256-1024, 10% at m = 64 where 12 rows pad 72); 12 rows is the
// alternative for m that pads better to 12 (gemm.h). 14 rows spilled under
// GCC 12 and was no faster on the earlier Xeon.
//
// Tuned single-threaded on an AMD EPYC (Zen 5, family 26, KVM guest, 2 cores,
// 48 KiB L1d and 1 MiB L2 per core, 32 MiB L3, full 512-bit FMA datapath,
// measured FMA peak 262-270 GFLOP/s f32). The cache blocks come from the
// detected cache sizes (gemm_blocks in gemm.cc: MC 96, KC up to 1024, NC
// 1024 for f32 here). With kc that deep neither panel stays in L1: both
// stream from L2, which Zen 5 feeds fast enough (the kernel ran at 97-99% of
// its in-L1 rate inside 1024^3), and C is updated a quarter as often as with
// KC = 256.
#include "kernels/gemm.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__FMA__)
#include <immintrin.h>

#include "kernels/gemm_pack_simd.h"

namespace tl {

namespace {

struct VF32 {
  using T = float;
  using V = __m512;
  using M = __mmask16;
  static constexpr int L = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(T x) { return _mm512_set1_ps(x); }
  static V load(const T* p) { return _mm512_loadu_ps(p); }
  static V maskz_load(M m, const T* p) { return _mm512_maskz_loadu_ps(m, p); }
  static void mask_store(T* p, M m, V v) { _mm512_mask_storeu_ps(p, m, v); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static M mask(int64_t n) { return n <= 0 ? M(0) : n >= L ? M(0xFFFF) : M((1u << n) - 1); }
};

struct VF64 {
  using T = double;
  using V = __m512d;
  using M = __mmask8;
  static constexpr int L = 8;
  static V zero() { return _mm512_setzero_pd(); }
  static V set1(T x) { return _mm512_set1_pd(x); }
  static V load(const T* p) { return _mm512_loadu_pd(p); }
  static V maskz_load(M m, const T* p) { return _mm512_maskz_loadu_pd(m, p); }
  static void mask_store(T* p, M m, V v) { _mm512_mask_storeu_pd(p, m, v); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static M mask(int64_t n) { return n <= 0 ? M(0) : n >= L ? M(0xFF) : M((1u << n) - 1); }
};

// How many k steps before the end of the loop the C tile starts to be fetched.
constexpr int64_t kTailSteps = 48;

// One row of a C tile, or a B row read in place: 2 vectors = 128 bytes, 3
// cache lines when unaligned. always_inline: GCC 12 infers a separate
// function made only of prefetches to be const and drops the calls.
inline __attribute__((always_inline)) void prefetch_row(const void* p) {
  const char* q = static_cast<const char*>(p);
  _mm_prefetch(q, _MM_HINT_T0);
  _mm_prefetch(q + 64, _MM_HINT_T0);
  _mm_prefetch(q + 127, _MM_HINT_T0);
}

// MR x (2 vectors) tile. Every loop over i is fully unrolled with constant
// indices so that the accumulators stay in registers; `mr` only gates the
// stores. Masked loads/stores never touch (or fault on) masked-out lanes, so
// the tails of C are neither read nor written beyond nr columns.
// DIRECT_B: B's rows are read in place, ldb apart, masked to nr columns (an
// edge panel may end at the end of B), each fetched 8 steps ahead since
// strided rows on different pages defeat the hardware prefetchers.
template <class S, int MR, bool DIRECT_B = false>
inline __attribute__((always_inline)) void ukr_2v(int64_t kc, const typename S::T* a, const typename S::T* b,
                                                  typename S::T* c, int64_t ldc, int64_t mr, int64_t nr,
                                                  typename S::T alpha, typename S::T beta,
                                                  const typename S::T* bias, int64_t ldb = 0) {
  using V = typename S::V;
  constexpr int L = S::L;
  const auto bm0 = S::mask(nr), bm1 = S::mask(nr - L);
  V c0[MR], c1[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) c0[i] = c1[i] = S::zero();

  auto steps = [&](int64_t n) {
#pragma GCC unroll 4
    for (int64_t p = 0; p < n; p++) {
      V b0, b1;
      if constexpr (DIRECT_B) {
        prefetch_row(b + 8 * ldb);
        b0 = S::maskz_load(bm0, b);
        b1 = S::maskz_load(bm1, b + L);
      } else {
        b0 = S::load(b);
        b1 = S::load(b + L);
      }
#pragma GCC unroll 16
      for (int i = 0; i < MR; i++) {
        const V ai = S::set1(a[i]);
        c0[i] = S::fma(ai, b0, c0[i]);
        c1[i] = S::fma(ai, b1, c1[i]);
      }
      a += MR;
      b += DIRECT_B ? ldb : 2 * L;
    }
  };
  // The C tile is fetched during the last kTailSteps steps, one row every
  // kTailSteps / MR of them, so that it arrives shortly before the epilogue
  // needs it. Fetched at the start of the call (as before), it was evicted
  // again by the A and B streams: 190 against 202-212 GFLOP/s at 2048^3 with
  // KC = 256, where each C tile is read back 7 times.
  constexpr int64_t per = kTailSteps / MR;
  if (kc > per * MR) {
    steps(kc - per * MR);
    const typename S::T* ci = c;
    for (int64_t i = 0; i < MR; i++, ci += ldc) {
      if (i < mr) prefetch_row(ci);
      steps(per);
    }
  } else {
    for (int64_t i = 0; i < mr; i++) prefetch_row(c + i * ldc);
    steps(kc);
  }

  const auto m0 = bm0, m1 = bm1;
  const V va = S::set1(alpha), vb = S::set1(beta);
  const V bias0 = bias ? S::maskz_load(m0, bias) : S::zero();
  const V bias1 = bias ? S::maskz_load(m1, bias + L) : S::zero();
  const bool read_c = beta != typename S::T(0);
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
    if (i < mr) {
      typename S::T* ci = c + i * ldc;
      V r0 = S::mul(va, c0[i]), r1 = S::mul(va, c1[i]);
      if (read_c) {
        r0 = S::fma(vb, S::maskz_load(m0, ci), r0);
        r1 = S::fma(vb, S::maskz_load(m1, ci + L), r1);
      }
      if (bias) {
        r0 = S::add(r0, bias0);
        r1 = S::add(r1, bias1);
      }
      S::mask_store(ci, m0, r0);
      S::mask_store(ci + L, m1, r1);
    }
}

void sgemm_ukr_avx512_12x32(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                            int64_t nr, float alpha, float beta, const float* bias) {
  ukr_2v<VF32, 12>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias);
}
void sgemm_ukr_avx512_8x32(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                           int64_t nr, float alpha, float beta, const float* bias) {
  ukr_2v<VF32, 8>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias);
}
void sgemm_ukr_avx512_8x32_direct_b(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
                                    int64_t mr, int64_t nr, float alpha, float beta, const float* bias) {
  ukr_2v<VF32, 8, true>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias, ldb);
}
void sgemm_ukr_avx512_12x32_direct_b(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                                     int64_t ldc, int64_t mr, int64_t nr, float alpha, float beta, const float* bias) {
  ukr_2v<VF32, 12, true>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias, ldb);
}
void dgemm_ukr_avx512_8x16_direct_b(int64_t kc, const double* a, const double* b, int64_t ldb, double* c,
                                    int64_t ldc, int64_t mr, int64_t nr, double alpha, double beta,
                                    const double* bias) {
  ukr_2v<VF64, 8, true>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias, ldb);
}
void dgemm_ukr_avx512_12x16_direct_b(int64_t kc, const double* a, const double* b, int64_t ldb, double* c,
                                     int64_t ldc, int64_t mr, int64_t nr, double alpha, double beta,
                                     const double* bias) {
  ukr_2v<VF64, 12, true>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias, ldb);
}

void dgemm_ukr_avx512_12x16(int64_t kc, const double* a, const double* b, double* c, int64_t ldc, int64_t mr,
                            int64_t nr, double alpha, double beta, const double* bias) {
  ukr_2v<VF64, 12>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias);
}
void dgemm_ukr_avx512_8x16(int64_t kc, const double* a, const double* b, double* c, int64_t ldc, int64_t mr,
                           int64_t nr, double alpha, double beta, const double* bias) {
  ukr_2v<VF64, 8>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias);
}

const GemmKernels kAvx512 = {
    {sgemm_ukr_avx512_8x32, 8, 32, simd_pack_a<float, 8>, simd_pack_b<float, 32>, sgemm_ukr_avx512_8x32_direct_b,
     "sgemm_ukr_avx512_8x32"},
    {sgemm_ukr_avx512_12x32, 12, 32, simd_pack_a<float, 12>, simd_pack_b<float, 32>, sgemm_ukr_avx512_12x32_direct_b,
     "sgemm_ukr_avx512_12x32"},
    {dgemm_ukr_avx512_8x16, 8, 16, simd_pack_a<double, 8>, simd_pack_b<double, 16>, dgemm_ukr_avx512_8x16_direct_b,
     "dgemm_ukr_avx512_8x16"},
    {dgemm_ukr_avx512_12x16, 12, 16, simd_pack_a<double, 12>, simd_pack_b<double, 16>,
     dgemm_ukr_avx512_12x16_direct_b, "dgemm_ukr_avx512_12x16"},
};

}  // namespace

const GemmKernels* gemm_kernels_avx512() { return &kAvx512; }

}  // namespace tl

#else  // built without AVX-512 (e.g. a non-x86 target): no table

namespace tl {
const GemmKernels* gemm_kernels_avx512() { return nullptr; }
}  // namespace tl

#endif
