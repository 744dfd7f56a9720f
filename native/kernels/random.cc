#include "kernels/random.h"

// Every fused multiply-add below is an explicit std::fma; the compiler must not
// fuse anything else (it would on FMA targets), or the Portable flavour and the
// emulated AVX2 arithmetic would round differently from PyTorch.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <cmath>
#include <cstring>
#include <type_traits>

namespace tl::rng {

// ---------------------------------------------------------------- mt19937

void Generator::manual_seed(uint64_t s) {
  seed = s;
  mt[0] = static_cast<uint32_t>(s);
  for (int i = 1; i < kMtN; i++) mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + static_cast<uint32_t>(i);
  index = kMtN;
  has_float_normal = has_double_normal = false;  // PyTorch resets both caches on seeding
}

uint32_t Generator::random() {
  if (index >= static_cast<uint32_t>(kMtN)) {
    constexpr int M = 397;
    for (int i = 0; i < kMtN; i++) {
      const uint32_t y = (mt[i] & 0x80000000u) | (mt[(i + 1) % kMtN] & 0x7fffffffu);
      mt[i] = mt[(i + M) % kMtN] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    index = 0;
  }
  uint32_t y = mt[index++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

namespace {

inline float uniform01_f32(Generator& g) { return static_cast<float>(g.random() & 0xffffffu) * 0x1p-24f; }
inline double uniform01_f64(Generator& g) {
  return static_cast<double>(g.random64() & ((uint64_t(1) << 53) - 1)) * 0x1p-53;
}

// ---------------------------------------------------------------- float Box-Muller, AVX2 flavour
// PyTorch 1.13 on AVX2 CPUs turns float uniforms into normals with
// avx_mathfun's log256_ps / sincos256_ps (Cephes single-precision
// polynomials). These are scalar re-derivations of the same arithmetic, with
// every multiply-add that GCC fuses in that build written as an explicit fma,
// so each lane rounds exactly like PyTorch's. Inputs: ln for u in (0, 1],
// sincos for t in [0, 2 pi).

inline uint32_t f2u(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float u2f(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

float cephes_logf(float x) {
  const uint32_t bits = f2u(x);
  float e = static_cast<float>(static_cast<int32_t>(bits >> 23) - 0x7f) + 1.0f;
  x = u2f((bits & 0x807fffffu) | 0x3f000000u);  // mantissa in [0.5, 1)
  // Fold [0.5, sqrt(1/2)) onto [sqrt(1/2), 1) by doubling: ln x = ln(2x) - ln 2.
  const bool small = x < 0.707106781186547524f;
  const float t = small ? x : 0.0f;
  x = x - 1.0f;
  e = e - (small ? 1.0f : 0.0f);
  x = x + t;
  const float z = x * x;
  float y = 7.0376836292e-2f;
  y = std::fmaf(y, x, -1.1514610310e-1f);
  y = std::fmaf(y, x, 1.1676998740e-1f);
  y = std::fmaf(y, x, -1.2420140846e-1f);
  y = std::fmaf(y, x, 1.4249322787e-1f);
  y = std::fmaf(y, x, -1.6668057665e-1f);
  y = std::fmaf(y, x, 2.0000714765e-1f);
  y = std::fmaf(y, x, -2.4999993993e-1f);
  y = std::fmaf(y, x, 3.3333331174e-1f);
  y = y * x;
  y = std::fmaf(y, z, e * -2.12194440e-4f);  // ln 2 split in two parts: q1 small, q2 exact
  y = std::fmaf(z, -0.5f, y);
  x = x + y;
  return std::fmaf(e, 0.693359375f, x);
}

void cephes_sincosf(float x, float* s, float* c) {
  // Octant j (rounded to even) of x * 4/pi, then x - j*pi/4 in three parts.
  int32_t j = static_cast<int32_t>(x * 1.27323954473516f);
  j = (j + 1) & ~1;
  const float y = static_cast<float>(j);
  const bool sin_neg = (j & 4) != 0;
  const bool swap = (j & 2) != 0;
  const bool cos_neg = ((~(j - 2)) & 4) != 0;
  x = std::fmaf(y, -0.78515625f, x);
  x = std::fmaf(y, -2.4187564849853515625e-4f, x);
  x = std::fmaf(y, -3.77489497744594108e-8f, x);
  const float z = x * x;
  float pc = 2.443315711809948e-5f;
  pc = std::fmaf(pc, z, -1.388731625493765e-3f);
  pc = std::fmaf(pc, z, 4.166664568298827e-2f);
  pc = pc * z;
  pc = std::fmaf(pc, z, -(z * 0.5f));
  pc = pc + 1.0f;
  float ps = -1.9515295891e-4f;
  ps = std::fmaf(ps, z, 8.3321608736e-3f);
  ps = std::fmaf(ps, z, -1.6666654611e-1f);
  ps = ps * z;
  ps = std::fmaf(ps, x, x);
  float sv = swap ? pc : ps, cv = swap ? ps : pc;
  *s = sin_neg ? -sv : sv;
  *c = cos_neg ? -cv : cv;
}

void normal_block16_avx2(float* d, float mean, float std) {
  constexpr float kTwoPi = static_cast<float>(2.0 * 3.14159265358979323846);
  for (int j = 0; j < 8; j++) {
    const float u1 = 1.0f - d[j];  // [0, 1) -> (0, 1] for the log
    const float u2 = d[j + 8];
    const float r = std::sqrt(-2.0f * cephes_logf(u1));
    float s, c;
    cephes_sincosf(kTwoPi * u2, &s, &c);
    d[j] = std::fmaf(r * c, std, mean);
    d[j + 8] = std::fmaf(r * s, std, mean);
  }
}

// PyTorch's portable normal_fill_16 in float: theta is computed in double and
// rounded, log/cos/sin are the float libm functions, nothing is fused.
void normal_block16_portable(float* d, float mean, float std) {
  for (int j = 0; j < 8; j++) {
    const float u1 = 1.0f - d[j];
    const float u2 = d[j + 8];
    const float r = std::sqrt(-2.0f * std::log(u1));
    const float t = static_cast<float>(2.0 * 3.14159265358979323846 * static_cast<double>(u2));
    d[j] = r * std::cos(t) * std + mean;
    d[j + 8] = r * std::sin(t) * std + mean;
  }
}

// float64 blocks: the same std::log/cos/sin in both flavours; only the last step's fusion differs.
void normal_block16(double* d, double mean, double std, bool fused) {
  for (int j = 0; j < 8; j++) {
    const double u1 = 1.0 - d[j];
    const double u2 = d[j + 8];
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double t = 2.0 * 3.14159265358979323846 * u2;
    const double c = r * std::cos(t), s = r * std::sin(t);
    d[j] = fused ? std::fma(c, std, mean) : c * std + mean;
    d[j + 8] = fused ? std::fma(s, std, mean) : s * std + mean;
  }
}

void normal_block16(float* d, float mean, float std, bool fused) {
  if (fused) normal_block16_avx2(d, mean, std);
  else normal_block16_portable(d, mean, std);
}

template <typename T>
inline T uniform01(Generator& g) {
  if constexpr (std::is_same_v<T, float>) return uniform01_f32(g);
  else return uniform01_f64(g);
}

// PyTorch's normal_distribution<double>: Box-Muller with a cached second sample.
double normal_sample(Generator& g) {
  if (g.has_double_normal) {
    g.has_double_normal = false;
    return g.double_normal;
  }
  const double u1 = uniform01_f64(g);
  const double u2 = uniform01_f64(g);
  const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double t = 2.0 * 3.14159265358979323846 * u1;
  g.double_normal = r * std::sin(t);
  g.has_double_normal = true;
  return r * std::cos(t);
}

}  // namespace

template <typename T>
void uniform(Generator& g, size_t n, T* out, double from, double to) {
  const T f = static_cast<T>(from), t = static_cast<T>(to);
  const T range = t - f;
  if (g.path == RngPath::Avx2)
    for (size_t i = 0; i < n; i++) out[i] = std::fma(uniform01<T>(g), range, f);
  else
    for (size_t i = 0; i < n; i++) out[i] = uniform01<T>(g) * range + f;
}

template <typename T>
void normal(Generator& g, size_t n, T* out, double mean, double std) {
  const bool fused = g.path == RngPath::Avx2;
  if (n < 16) {
    for (size_t i = 0; i < n; i++) {
      const double v = normal_sample(g);
      out[i] = static_cast<T>(fused ? std::fma(v, std, mean) : v * std + mean);
    }
    return;
  }
  const T m = static_cast<T>(mean), s = static_cast<T>(std);
  for (size_t i = 0; i < n; i++) out[i] = uniform01<T>(g);
  for (size_t i = 0; i + 16 <= n; i += 16) normal_block16(out + i, m, s, fused);
  if (n % 16 != 0) {
    T* tail = out + n - 16;
    for (int i = 0; i < 16; i++) tail[i] = uniform01<T>(g);
    normal_block16(tail, m, s, fused);
  }
}

template <typename T>
void randint(Generator& g, size_t n, T* out, int64_t from, int64_t to) {
  const uint64_t range = static_cast<uint64_t>(to) - static_cast<uint64_t>(from);
  const bool wide = std::is_floating_point_v<T> && range >= (uint64_t(1) << 32);
  for (size_t i = 0; i < n; i++) {
    const uint64_t v = wide ? g.random64() : g.random();
    out[i] = static_cast<T>(static_cast<int64_t>(v % range + static_cast<uint64_t>(from)));
  }
}

void randperm(Generator& g, size_t n, int32_t* out) {
  if (n < 0xffffffffu / 20) {
    for (size_t i = 0; i < n; i++) out[i] = static_cast<int32_t>(i);
    for (size_t i = 0; i + 1 < n; i++) {
      const size_t z = g.random() % (n - i);
      const int32_t t = out[i];
      out[i] = out[i + z];
      out[i + z] = t;
    }
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const size_t z = static_cast<size_t>(g.random64() % (i + 1));
    out[i] = out[z];
    out[z] = static_cast<int32_t>(i);
  }
}

template <typename T>
void bernoulli(Generator& g, size_t n, T* out, double p) {
  for (size_t i = 0; i < n; i++) out[i] = uniform01_f64(g) < p ? T(1) : T(0);
}

// ---------------------------------------------------------------- state

namespace {
void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}
uint64_t get64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}
}  // namespace

void save_state(const Generator& g, uint8_t* out) {
  std::memset(out, 0, kStateBytes);
  std::memcpy(out, "TLRG", 4);
  put32(out + 4, kStateVersion);
  put64(out + 8, g.seed);
  put32(out + 16, g.index);
  put32(out + 20, (g.has_float_normal ? 1u : 0u) | (g.has_double_normal ? 2u : 0u));
  put32(out + 24, f2u(g.float_normal));
  uint64_t d;
  std::memcpy(&d, &g.double_normal, 8);
  put64(out + 32, d);
  for (int i = 0; i < kMtN; i++) put32(out + 40 + 4 * i, g.mt[i]);
}

const char* load_state(Generator& g, const uint8_t* in, size_t len) {
  if (len != kStateBytes) return "it has the wrong length";
  if (std::memcmp(in, "TLRG", 4) != 0) return "its header is not 'TLRG'";
  if (get32(in + 4) != kStateVersion) return "its version is not 1";
  const uint32_t index = get32(in + 16), flags = get32(in + 20);
  if (index > static_cast<uint32_t>(kMtN)) return "its mt19937 position is past 624";
  if (flags > 3) return "its flags are invalid";
  if (get32(in + 28) != 0) return "its padding is not zero";
  // The mt19937 recurrence only uses the top bit of word 0: all else zero is a dead generator.
  bool live = (get32(in + 40) & 0x80000000u) != 0;
  for (int i = 1; i < kMtN && !live; i++) live = get32(in + 40 + 4 * i) != 0;
  if (!live) return "its mt19937 words are all zero";
  g.seed = get64(in + 8);
  g.index = index;
  g.has_float_normal = flags & 1u;
  g.has_double_normal = (flags & 2u) != 0;
  g.float_normal = u2f(get32(in + 24));
  const uint64_t d = get64(in + 32);
  std::memcpy(&g.double_normal, &d, 8);
  for (int i = 0; i < kMtN; i++) g.mt[i] = get32(in + 40 + 4 * i);
  return nullptr;
}

template void uniform<float>(Generator&, size_t, float*, double, double);
template void uniform<double>(Generator&, size_t, double*, double, double);
template void normal<float>(Generator&, size_t, float*, double, double);
template void normal<double>(Generator&, size_t, double*, double, double);
template void randint<float>(Generator&, size_t, float*, int64_t, int64_t);
template void randint<double>(Generator&, size_t, double*, int64_t, int64_t);
template void randint<int32_t>(Generator&, size_t, int32_t*, int64_t, int64_t);
template void bernoulli<float>(Generator&, size_t, float*, double);
template void bernoulli<double>(Generator&, size_t, double*, double);

}  // namespace tl::rng
