// AVX-512 GEMM micro-kernels: sgemm_ukr_avx512_12x32 and dgemm_ukr_avx512_12x16.
//
// Compiled with -mavx512f -mavx512vl -mavx512bw -mavx512dq -mfma; only
// reached after runtime/cpu.cc found AVX-512. Everything except the table
// getter has internal linkage, so no function compiled with these flags can be
// picked by the linker for the portable path (the inline/template ODR trap).
//
// Register tile: 12 rows x 2 zmm columns = 24 accumulators, + 2 B rows + 1
// broadcast = 27 of 32 zmm. 24 independent FMA chains cover the 4-cycle FMA
// latency on both ports with room to spare; per k step 24 FMAs against 2 loads
// and 12 vbroadcastss/sd loads. In isolation (panels in L1) it runs at ~92%
// of the measured FMA peak. 14x32 (28 chains) spilled the store phase under
// GCC 12 and was no faster end to end, so 12 rows it is.
//
// Blocks, tuned single-threaded on an Intel Xeon (Sapphire Rapids class, KVM
// guest, 2 cores, 48 KiB L1d and 2 MiB L2 per core, measured FMA peak 245
// GFLOP/s f32): KC = 256 keeps the kc x NR B panel (32 KiB in both f32 and
// f64) in L1 beside the streaming A panel. MC = 96 (A block 96 KiB f32,
// 192 KiB f64) was as fast as or faster than every larger MC up to 1152
// (which lost 10-15% at 1024-2048): on this guest a small A block that stays
// hot in L2 beats reusing each B panel over more rows. NC (B block 4 MiB)
// hardly mattered between 512 and 4096 since the B block lives in the large
// shared L3; revisit MC/NC when threads split these loops.
#include "kernels/gemm.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__FMA__)
#include <immintrin.h>

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

// MR x (2 vectors) tile. Every loop over i is fully unrolled with constant
// indices so that the accumulators stay in registers; `mr` only gates the
// stores. Masked loads/stores never touch (or fault on) masked-out lanes, so
// the tails of C are neither read nor written beyond nr columns.
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

  // Warm the C tile while the k loop runs; it is needed only at the end.
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
    if (i < mr) {
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 2 * L - 1), _MM_HINT_T0);
    }

#pragma GCC unroll 4
  for (int64_t p = 0; p < kc; p++) {
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

  const auto m0 = S::mask(nr), m1 = S::mask(nr - L);
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

void dgemm_ukr_avx512_12x16(int64_t kc, const double* a, const double* b, double* c, int64_t ldc, int64_t mr,
                            int64_t nr, double alpha, double beta, const double* bias) {
  ukr_2v<VF64, 12>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias);
}

const GemmKernels kAvx512 = {
    {sgemm_ukr_avx512_12x32, 12, 32, 96, 256, 4096, "sgemm_ukr_avx512_12x32"},
    {dgemm_ukr_avx512_12x16, 12, 16, 96, 256, 2048, "dgemm_ukr_avx512_12x16"},
};

}  // namespace

const GemmKernels* gemm_kernels_avx512() { return &kAvx512; }

}  // namespace tl

#else  // built without AVX-512 (e.g. a non-x86 target): no table

namespace tl {
const GemmKernels* gemm_kernels_avx512() { return nullptr; }
}  // namespace tl

#endif
