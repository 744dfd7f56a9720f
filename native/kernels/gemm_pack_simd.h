// SIMD packing routines shared by gemm.avx2.cc and gemm.avx512.cc (AVX2
// instructions, 256-bit vectors: packing is bound by loads and stores, and
// wider vectors gained nothing measurable for it).
//
// Include this only from a file compiled with -mavx2, *inside* nothing: it
// opens namespace tl and an anonymous namespace itself, so every includer gets
// its own internal copy built with its own flags (no ODR mixing of ISAs).
//
// Two shapes of copy cover the four packing cases (see gemm.h for the panel
// layouts):
//   copy-pack      dst[p*W + j] = src[p*ld + j]   (A transposed, B plain):
//                  W contiguous elements per p, a straight strided copy.
//   transpose-pack dst[p*W + r] = src[r*ld + p]   (A plain, B transposed):
//                  W source rows read along p and transposed in registers,
//                  4 rows x 4 (f64) or 4 rows x 8 (f32) at a time.
// Rows / columns at or beyond `valid` are written as zeros and never read;
// p never reaches kc, so nothing beyond the operand is read.
#pragma once
#include <immintrin.h>

#include <cstdint>

namespace tl {
namespace {

// Lane mask for maskload: lane q on when q < n (0 <= n <= 8).
inline __m256i pack_mask32(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline __m256i pack_mask64(int64_t n) {
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
}

// ------------------------------------------------------------ copy-pack
template <int W>
inline void copy_pack(int64_t kc, const float* src, int64_t ld, int64_t valid, float* dst) {
  static_assert(W % 8 == 0 || W == 6 || W == 12, "copy_pack<float> width");
  if (valid == W) {
    for (int64_t p = 0; p < kc; p++, src += ld, dst += W) {
      if constexpr (W % 8 == 0) {
#pragma GCC unroll 8
        for (int j = 0; j < W; j += 8) _mm256_storeu_ps(dst + j, _mm256_loadu_ps(src + j));
      } else if constexpr (W == 12) {
        _mm256_storeu_ps(dst, _mm256_loadu_ps(src));
        _mm_storeu_ps(dst + 8, _mm_loadu_ps(src + 8));
      } else {  // 6
        _mm_storeu_ps(dst, _mm_loadu_ps(src));
        _mm_storel_pi(reinterpret_cast<__m64*>(dst + 4), _mm_castpd_ps(_mm_load_sd(reinterpret_cast<const double*>(src + 4))));
      }
    }
    return;
  }
  constexpr int NV = (W + 7) / 8;
  __m256i mk[NV];
  for (int v = 0; v < NV; v++) mk[v] = pack_mask32(valid - 8 * v < 0 ? 0 : valid - 8 * v > 8 ? 8 : valid - 8 * v);
  for (int64_t p = 0; p < kc; p++, src += ld, dst += W) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; v++) {
      const __m256 x = _mm256_maskload_ps(src + 8 * v, mk[v]);
      if (8 * v + 8 <= W) {
        _mm256_storeu_ps(dst + 8 * v, x);
      } else if (W - 8 * v == 4) {
        _mm_storeu_ps(dst + 8 * v, _mm256_castps256_ps128(x));
      } else {  // 6 left
        _mm_storeu_ps(dst + 8 * v, _mm256_castps256_ps128(x));
        _mm_storel_pi(reinterpret_cast<__m64*>(dst + 8 * v + 4), _mm256_extractf128_ps(x, 1));
      }
    }
  }
}

template <int W>
inline void copy_pack(int64_t kc, const double* src, int64_t ld, int64_t valid, double* dst) {
  static_assert(W % 4 == 0 || W == 6, "copy_pack<double> width");
  constexpr int NV = (W + 3) / 4;
  if (valid == W) {
    for (int64_t p = 0; p < kc; p++, src += ld, dst += W) {
#pragma GCC unroll 8
      for (int v = 0; v < W / 4; v++) _mm256_storeu_pd(dst + 4 * v, _mm256_loadu_pd(src + 4 * v));
      if constexpr (W % 4 == 2) _mm_storeu_pd(dst + W - 2, _mm_loadu_pd(src + W - 2));
    }
    return;
  }
  __m256i mk[NV];
  for (int v = 0; v < NV; v++) mk[v] = pack_mask64(valid - 4 * v < 0 ? 0 : valid - 4 * v > 4 ? 4 : valid - 4 * v);
  for (int64_t p = 0; p < kc; p++, src += ld, dst += W) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; v++) {
      const __m256d x = _mm256_maskload_pd(src + 4 * v, mk[v]);
      if (4 * v + 4 <= W)
        _mm256_storeu_pd(dst + 4 * v, x);
      else
        _mm_storeu_pd(dst + 4 * v, _mm256_castpd256_pd128(x));
    }
  }
}

// ------------------------------------------------------------ transpose-pack
// f32: 4 source rows x 8 p per step. After the in-lane 4x4 transposes, lane h
// of t[j] holds p = p0 + 4h + j for the 4 rows: one 16-byte store each.
// `R` (4 or 2) is how many of the 4 rows are stored (W = 6 ends on a pair).
template <int R>
inline void tp4_f32(const __m256* r, float* dst, int64_t W, int np) {
  const __m256 a = _mm256_unpacklo_ps(r[0], r[1]), b = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 c = _mm256_unpacklo_ps(r[2], r[3]), d = _mm256_unpackhi_ps(r[2], r[3]);
  __m256 t[4];
  t[0] = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(a), _mm256_castps_pd(c)));
  t[1] = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(a), _mm256_castps_pd(c)));
  t[2] = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(b), _mm256_castps_pd(d)));
  t[3] = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(b), _mm256_castps_pd(d)));
  auto put = [&](int q, __m128 v) {
    if (q >= np) return;
    if (R == 4)
      _mm_storeu_ps(dst + q * W, v);
    else
      _mm_storel_pi(reinterpret_cast<__m64*>(dst + q * W), v);
  };
#pragma GCC unroll 4
  for (int j = 0; j < 4; j++) {
    put(j, _mm256_castps256_ps128(t[j]));
    put(4 + j, _mm256_extractf128_ps(t[j], 1));
  }
}

template <int W>
inline void transpose_pack(int64_t kc, const float* src, int64_t ld, int64_t valid, float* dst) {
  static_assert(W % 4 == 0 || W % 4 == 2, "transpose_pack<float> width");
  constexpr int G = (W + 3) / 4;  // row groups of 4
  const __m256 zero = _mm256_setzero_ps();
  int64_t p = 0;
  for (; p + 8 <= kc; p += 8, dst += 8 * W) {
#pragma GCC unroll 8
    for (int g = 0; g < G; g++) {
      __m256 r[4];
#pragma GCC unroll 4
      for (int q = 0; q < 4; q++) {
        const int64_t row = 4 * g + q;
        r[q] = row < valid ? _mm256_loadu_ps(src + row * ld + p) : zero;
      }
      if (4 * g + 4 <= W)
        tp4_f32<4>(r, dst + 4 * g, W, 8);
      else
        tp4_f32<2>(r, dst + 4 * g, W, 8);
    }
  }
  if (p < kc) {
    const int np = int(kc - p);
    const __m256i mk = pack_mask32(np);
    for (int g = 0; g < G; g++) {
      __m256 r[4];
      for (int q = 0; q < 4; q++) {
        const int64_t row = 4 * g + q;
        r[q] = row < valid ? _mm256_maskload_ps(src + row * ld + p, mk) : zero;
      }
      if (4 * g + 4 <= W)
        tp4_f32<4>(r, dst + 4 * g, W, np);
      else
        tp4_f32<2>(r, dst + 4 * g, W, np);
    }
  }
}

// f64: 4 source rows x 4 p per step, a full 4x4 transpose in ymm registers.
template <int R>
inline void tp4_f64(const __m256d* r, double* dst, int64_t W, int np) {
  const __m256d a = _mm256_unpacklo_pd(r[0], r[1]), b = _mm256_unpackhi_pd(r[0], r[1]);
  const __m256d c = _mm256_unpacklo_pd(r[2], r[3]), d = _mm256_unpackhi_pd(r[2], r[3]);
  __m256d t[4];
  t[0] = _mm256_permute2f128_pd(a, c, 0x20);
  t[1] = _mm256_permute2f128_pd(b, d, 0x20);
  t[2] = _mm256_permute2f128_pd(a, c, 0x31);
  t[3] = _mm256_permute2f128_pd(b, d, 0x31);
#pragma GCC unroll 4
  for (int j = 0; j < 4; j++) {
    if (j >= np) break;
    if (R == 4)
      _mm256_storeu_pd(dst + j * W, t[j]);
    else
      _mm_storeu_pd(dst + j * W, _mm256_castpd256_pd128(t[j]));
  }
}

template <int W>
inline void transpose_pack(int64_t kc, const double* src, int64_t ld, int64_t valid, double* dst) {
  static_assert(W % 4 == 0 || W % 4 == 2, "transpose_pack<double> width");
  constexpr int G = (W + 3) / 4;
  const __m256d zero = _mm256_setzero_pd();
  int64_t p = 0;
  for (; p + 4 <= kc; p += 4, dst += 4 * W) {
#pragma GCC unroll 8
    for (int g = 0; g < G; g++) {
      __m256d r[4];
#pragma GCC unroll 4
      for (int q = 0; q < 4; q++) {
        const int64_t row = 4 * g + q;
        r[q] = row < valid ? _mm256_loadu_pd(src + row * ld + p) : zero;
      }
      if (4 * g + 4 <= W)
        tp4_f64<4>(r, dst + 4 * g, W, 4);
      else
        tp4_f64<2>(r, dst + 4 * g, W, 4);
    }
  }
  if (p < kc) {
    const int np = int(kc - p);
    const __m256i mk = pack_mask64(np);
    for (int g = 0; g < G; g++) {
      __m256d r[4];
      for (int q = 0; q < 4; q++) {
        const int64_t row = 4 * g + q;
        r[q] = row < valid ? _mm256_maskload_pd(src + row * ld + p, mk) : zero;
      }
      if (4 * g + 4 <= W)
        tp4_f64<4>(r, dst + 4 * g, W, np);
      else
        tp4_f64<2>(r, dst + 4 * g, W, np);
    }
  }
}

// ------------------------------------------------------------ the packers
// GemmPackA / GemmPackB (gemm.h) for a kernel with an MR x NR register tile.
template <typename T, int MR>
void simd_pack_a(bool trans, int64_t mc, int64_t kc, const T* a, int64_t lda, T* dst) {
  for (int64_t ir = 0; ir < mc; ir += MR, dst += MR * kc) {
    const int64_t rows = mc - ir < MR ? mc - ir : MR;
    if (trans)
      copy_pack<MR>(kc, a + ir, lda, rows, dst);
    else
      transpose_pack<MR>(kc, a + ir * lda, lda, rows, dst);
  }
}

template <typename T, int NR>
void simd_pack_b(bool trans, int64_t kc, int64_t nc, const T* b, int64_t ldb, T* dst) {
  for (int64_t jr = 0; jr < nc; jr += NR, dst += NR * kc) {
    const int64_t cols = nc - jr < NR ? nc - jr : NR;
    if (trans)
      transpose_pack<NR>(kc, b + jr * ldb, ldb, cols, dst);
    else
      copy_pack<NR>(kc, b + jr, ldb, cols, dst);
  }
}

}  // namespace
}  // namespace tl
