// Random family: PyTorch's CPU generator (torch 1.13), reproduced bit for bit.
//
// Generator: mt19937 with the standard initialisation from the low 32 bits of
// the seed (PyTorch keeps the full 64-bit seed only for initial_seed()), plus
// PyTorch's cached second Box-Muller sample of normal_distribution<double>.
// Default seed 67280421310721, PyTorch's default_rng_seed_val, so an unseeded
// stream equals PyTorch's unseeded default generator.
//   random()   = next 32-bit output;  random64() = (random() << 32) | random().
// Every fill below draws in element order, single-threaded, so the stream
// never depends on the thread count. Kernels never allocate or throw; the
// binding checks parameters (from <= to, std >= 0, 0 <= p <= 1, bounds).
//
// uniform<T>(g, n, out, from, to)          torch.rand / uniform_(from, to):
//   float:  x = (random() & (2^24-1)) * 2^-24;  out = fma(x, to - from, from) in float
//   double: x = (random64() & (2^53-1)) * 2^-53; out = fma(x, to - from, from)
//   (PyTorch's AVX2 build contracts x*(to-from)+from into an FMA; checked
//   against torch 1.13 on 4096 draws: the unfused form differs in ~40%.)
// normal<T>(g, n, out, mean, std)          torch.randn / normal_(mean, std):
//   n >= 16: PyTorch's normal_fill: fill out with uniforms (as above, [0,1)),
//     then for each block of 16: u1 = 1 - d[j], u2 = d[j+8] (j < 8),
//     r = sqrt(-2 ln u1), t = 2 pi u2, d[j] = fma(r cos t, std, mean),
//     d[j+8] = fma(r sin t, std, mean); if n % 16 != 0 the last 16 elements are
//     refilled with fresh uniforms and transformed again.
//     float: ln/sin/cos are PyTorch's AVX2 avx_mathfun algorithm (Cephes
//     polynomials), emulated in scalar float with the FMAs GCC contracts them
//     into, so results are bit-identical to torch 1.13 on an AVX2 CPU (checked
//     on 2^20 samples). double: std::log/cos/sin, as PyTorch's scalar path.
//   n < 16: per element PyTorch's normal_distribution<double> with its cached
//     second sample: u1, u2 = two double uniforms, r = sqrt(-2 ln(1 - u2)),
//     t = 2 pi u1; returns r cos t and caches r sin t for the next element
//     (also across calls, until the next seed); out = T(fma(v, std, mean)).
// randint<T>(g, n, out, from, to)          random_(from, to), to > from:
//   out = T(from + (v % (to - from))) with v = random64() if to - from >= 2^32
//   and T is floating (PyTorch), else random().
// randperm(g, n, out)                      torch.randperm(n) on CPU:
//   n < 2^32/20: out = 0..n-1 then for i < n-1: swap(out[i], out[i + random() % (n-i)]);
//   larger n: inside-out Fisher-Yates with random64() % (i+1) (PyTorch's choice).
// bernoulli<T>(g, n, out, p)               bernoulli_(p) (non-MKL build):
//   out = (double uniform < p) ? 1 : 0, two 32-bit draws per element.
// Two flavours of PyTorch (Generator::path): PyTorch 1.13 compiles these
// kernels per CPU capability, and its default x86-64 choice, AVX2, rounds
// differently from its portable build (ATEN_CPU_CAPABILITY=default, or a CPU
// without AVX2). Both are reproduced bit for bit on glibc/x86-64:
//   Avx2 (default):  the formulas above (FMAs, avx_mathfun for float32 n >= 16).
//   Portable:        no FMAs (x*(to-from)+from, v*std+mean, r*cos(t)*std+mean each
//                    rounded), and float32 n >= 16 uses float std::log/cos/sin with
//                    t = float(2 pi (double)u2) (PyTorch's normal_fill_16).
//   The binding picks the flavour per generator from TORCHLET_RNG_KERNELS=avx2|default.
// State (get/setRngState): kStateBytes bytes, little-endian:
//   [0,4) "TLRG"  [4,8) version 1  [8,16) seed  [16,20) mt index (0..624)
//   [20,24) flags (bit 0 float cache valid, bit 1 double cache valid)
//   [24,28) cached float  [28,32) zero  [32,40) cached double  [40, 40+4*624) mt words.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tl::rng {

constexpr uint64_t kDefaultSeed = 67280421310721ULL;
constexpr int kMtN = 624;
constexpr size_t kStateBytes = 40 + 4 * kMtN;
constexpr uint32_t kStateVersion = 1;

enum class RngPath { Avx2 = 0, Portable = 1 };

struct Generator {
  RngPath path = RngPath::Avx2;  // which PyTorch build to reproduce (not part of the state)
  uint64_t seed = 0;
  uint32_t mt[kMtN];
  uint32_t index = kMtN;  // next word to temper; kMtN means "twist first"
  bool has_float_normal = false;   // kept for parity with PyTorch's state; no fill here uses it
  float float_normal = 0;
  bool has_double_normal = false;
  double double_normal = 0;
  Generator() { manual_seed(kDefaultSeed); }
  void manual_seed(uint64_t s);
  uint32_t random();
  uint64_t random64() {
    const uint64_t hi = random();
    return (hi << 32) | random();
  }
};

template <typename T>
void uniform(Generator& g, size_t n, T* out, double from, double to);
template <typename T>
void normal(Generator& g, size_t n, T* out, double mean, double std);
template <typename T>  // float, double, int32_t
void randint(Generator& g, size_t n, T* out, int64_t from, int64_t to);
void randperm(Generator& g, size_t n, int32_t* out);
template <typename T>
void bernoulli(Generator& g, size_t n, T* out, double p);

void save_state(const Generator& g, uint8_t* out);  // writes kStateBytes
// Returns nullptr and loads the state, or a reason it is not a valid state (g unchanged).
const char* load_state(Generator& g, const uint8_t* in, size_t len);

}  // namespace tl::rng
