// GEMM driver (BLIS-style loop nest + packing), the portable micro-kernels and
// the naive reference. Compiled with the x86-64 baseline only (SSE2); the
// SIMD micro-kernels live in gemm.avx2.cc / gemm.avx512.cc.
#include "kernels/gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

#include "kernels/gemm_small.h"
#include "runtime/thread_pool.h"

namespace tl {

namespace {

// ------------------------------------------------------------ scratch
// Thread-local, 64-byte aligned, grow-only: after the first call of a given
// size, a training loop never touches malloc here. With a thread pool each
// worker gets its own A buffer; a shared B block would move to the pool.
class Scratch {
 public:
  ~Scratch() { std::free(p_); }
  // A buffer of at least `bytes`, or null if it could not be allocated.
  void* get(size_t bytes) {
    if (bytes > cap_) {
      size_t want = (std::max(bytes, cap_ + cap_ / 2) + 63) & ~size_t(63);
      void* q = std::aligned_alloc(64, want);
      if (!q) return nullptr;
      std::free(p_);
      p_ = q;
      cap_ = want;
    }
    return p_;
  }

 private:
  void* p_ = nullptr;
  size_t cap_ = 0;
};

struct GemmScratch {
  Scratch a, b, bias;
  Scratch bias_outer;  // the threaded driver's copy of bias, read by every task
  Scratch small_b;     // the direct path's transposed copy of a small B
};

GemmScratch& scratch() {
  thread_local GemmScratch s;
  return s;
}

int64_t round_up(int64_t x, int64_t r) { return (x + r - 1) / r * r; }

// ------------------------------------------------------------ packing
// A(i,p) for i < mc, p < kc, into ceil(mc/MR) panels of MR x kc, column by
// column (dst[p*MR + i]), the last panel zero-padded to MR rows. The source
// is a[i*lda + p] (plain) or a[p*lda + i] (transposed). The width is a
// template argument (W > 0) so that the inner loop unrolls into MR loads and
// one contiguous run of stores; W = 0 takes it from `mr_rt` (any width).
template <typename T, int W>
void pack_a_panels(bool trans, int64_t mc, int64_t kc, const T* a, int64_t lda, int64_t mr_rt, T* dst) {
  const int64_t MR = W > 0 ? W : mr_rt;
  for (int64_t ir = 0; ir < mc; ir += MR, dst += MR * kc) {
    const int64_t rows = std::min<int64_t>(MR, mc - ir);
    if (rows == MR && !trans) {
      // MR sequential read streams, one sequential write stream.
      const T* src = a + ir * lda;
      for (int64_t p = 0; p < kc; p++)
        for (int64_t i = 0; i < MR; i++) dst[p * MR + i] = src[i * lda + p];
    } else if (rows == MR) {
      for (int64_t p = 0; p < kc; p++)
        for (int64_t i = 0; i < MR; i++) dst[p * MR + i] = a[p * lda + ir + i];
    } else {
      for (int64_t p = 0; p < kc; p++)
        for (int64_t i = 0; i < MR; i++)
          dst[p * MR + i] = i < rows ? (trans ? a[p * lda + ir + i] : a[(ir + i) * lda + p]) : T(0);
    }
  }
}

// B(p,j) for p < kc, j < nc, into ceil(nc/NR) panels of kc x NR, row by row
// (dst[p*NR + j]), zero-padded to NR columns. The source is b[p*ldb + j]
// (plain) or b[j*ldb + p] (transposed).
template <typename T, int W>
void pack_b_panels(bool trans, int64_t kc, int64_t nc, const T* b, int64_t ldb, int64_t nr_rt, T* dst) {
  const int64_t NR = W > 0 ? W : nr_rt;
  for (int64_t jr = 0; jr < nc; jr += NR, dst += NR * kc) {
    const int64_t cols = std::min<int64_t>(NR, nc - jr);
    if (cols == NR && !trans) {
      for (int64_t p = 0; p < kc; p++)
        for (int64_t j = 0; j < NR; j++) dst[p * NR + j] = b[p * ldb + jr + j];
    } else if (cols == NR) {
      const T* src = b + jr * ldb;
      for (int64_t p = 0; p < kc; p++)
        for (int64_t j = 0; j < NR; j++) dst[p * NR + j] = src[j * ldb + p];
    } else {
      for (int64_t p = 0; p < kc; p++)
        for (int64_t j = 0; j < NR; j++)
          dst[p * NR + j] = j < cols ? (trans ? b[(jr + j) * ldb + p] : b[p * ldb + jr + j]) : T(0);
    }
  }
}

// Runtime MR/NR to the panel widths of the shipped kernels (here and in
// gemm.<isa>.cc); any other width takes the generic loop.
template <typename T>
void pack_a(bool trans, int64_t mc, int64_t kc, const T* a, int64_t lda, int64_t MR, T* dst) {
  switch (MR) {
    case 4: return pack_a_panels<T, 4>(trans, mc, kc, a, lda, MR, dst);
    case 6: return pack_a_panels<T, 6>(trans, mc, kc, a, lda, MR, dst);
    case 12: return pack_a_panels<T, 12>(trans, mc, kc, a, lda, MR, dst);
    case 14: return pack_a_panels<T, 14>(trans, mc, kc, a, lda, MR, dst);
    default: return pack_a_panels<T, 0>(trans, mc, kc, a, lda, MR, dst);
  }
}

template <typename T>
void pack_b(bool trans, int64_t kc, int64_t nc, const T* b, int64_t ldb, int64_t NR, T* dst) {
  switch (NR) {
    case 4: return pack_b_panels<T, 4>(trans, kc, nc, b, ldb, NR, dst);
    case 8: return pack_b_panels<T, 8>(trans, kc, nc, b, ldb, NR, dst);
    case 16: return pack_b_panels<T, 16>(trans, kc, nc, b, ldb, NR, dst);
    case 32: return pack_b_panels<T, 32>(trans, kc, nc, b, ldb, NR, dst);
    default: return pack_b_panels<T, 0>(trans, kc, nc, b, ldb, NR, dst);
  }
}

template <typename T>
void pack_a_with(const GemmKernel<T>& K, bool trans, int64_t mc, int64_t kc, const T* a, int64_t lda, T* dst) {
  if (K.pack_a)
    K.pack_a(trans, mc, kc, a, lda, dst);
  else
    pack_a(trans, mc, kc, a, lda, K.mr, dst);
}

template <typename T>
void pack_b_with(const GemmKernel<T>& K, bool trans, int64_t kc, int64_t nc, const T* b, int64_t ldb, T* dst) {
  if (K.pack_b)
    K.pack_b(trans, kc, nc, b, ldb, dst);
  else
    pack_b(trans, kc, nc, b, ldb, K.nr, dst);
}

// C = beta * C + bias, for k == 0 or alpha == 0 (A and B are not read).
template <typename T>
void scale_c(int64_t m, int64_t n, T beta, T* c, int64_t ldc, const T* bias) {
  for (int64_t i = 0; i < m; i++) {
    T* ci = c + i * ldc;
    if (beta == T(0)) {
      for (int64_t j = 0; j < n; j++) ci[j] = bias ? bias[j] : T(0);
    } else {
      for (int64_t j = 0; j < n; j++) ci[j] = beta * ci[j] + (bias ? bias[j] : T(0));
    }
  }
}

// ------------------------------------------------------------ portable micro-kernel
// Plain loops over a register tile; at -O3 GCC keeps `acc` in xmm registers
// and vectorises the j loop with SSE2 (mul + add, no FMA on the baseline).
// 4x8 floats = 8 xmm accumulators, 4x4 doubles = 8 xmm: leaves room for the B
// row and the broadcast within the 16 xmm registers.
template <typename T, int MR, int NR>
void gemm_ukr_scalar(int64_t kc, const T* a, const T* b, T* c, int64_t ldc, int64_t mr, int64_t nr, T alpha, T beta,
                     const T* bias) {
  T acc[MR][NR] = {};
  for (int64_t p = 0; p < kc; p++, a += MR, b += NR)
    for (int64_t i = 0; i < MR; i++)
      for (int j = 0; j < NR; j++) acc[i][j] += a[i] * b[j];
  if (mr == MR && nr == NR) {
    for (int64_t i = 0; i < MR; i++) {
      T* ci = c + i * ldc;
      for (int j = 0; j < NR; j++) {
        T v = alpha * acc[i][j];
        if (beta != T(0)) v += beta * ci[j];
        if (bias) v += bias[j];
        ci[j] = v;
      }
    }
    return;
  }
  for (int64_t i = 0; i < mr; i++) {
    T* ci = c + i * ldc;
    for (int64_t j = 0; j < nr; j++) {
      T v = alpha * acc[i][j];
      if (beta != T(0)) v += beta * ci[j];
      if (bias) v += bias[j];
      ci[j] = v;
    }
  }
}

void sgemm_ukr_scalar_4x8(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr, int64_t nr,
                          float alpha, float beta, const float* bias) {
  gemm_ukr_scalar<float, 4, 8>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias);
}
void dgemm_ukr_scalar_4x4(int64_t kc, const double* a, const double* b, double* c, int64_t ldc, int64_t mr,
                          int64_t nr, double alpha, double beta, const double* bias) {
  gemm_ukr_scalar<double, 4, 4>(kc, a, b, c, ldc, mr, nr, alpha, beta, bias);
}

// The portable path is the fallback for CPUs without AVX2 (and is run by
// every test), not a tuned one; its blocks come from gemm_blocks like all.
const GemmKernels kScalar = {
    {sgemm_ukr_scalar_4x8, 4, 8, nullptr, nullptr, nullptr, "sgemm_ukr_scalar_4x8"},
    {nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr},
    {dgemm_ukr_scalar_4x4, 4, 4, nullptr, nullptr, nullptr, "dgemm_ukr_scalar_4x4"},
    {nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr},
};

template <typename T>
const GemmKernel<T>& pick(const GemmKernels& t, bool alt);
template <>
const GemmKernel<float>& pick<float>(const GemmKernels& t, bool alt) { return alt ? t.f32_alt : t.f32; }
template <>
const GemmKernel<double>& pick<double>(const GemmKernels& t, bool alt) { return alt ? t.f64_alt : t.f64; }

}  // namespace

const GemmKernels& gemm_kernels_scalar() { return kScalar; }

const GemmKernels& gemm_kernels(Isa isa) {
  if (isa >= Isa::Avx512)
    if (const GemmKernels* t = gemm_kernels_avx512()) return *t;
  if (isa >= Isa::Avx2)
    if (const GemmKernels* t = gemm_kernels_avx2()) return *t;
  return kScalar;
}

// ------------------------------------------------------------ blocks
// Block sizes from the data caches (tl::cache_sizes()), for any kernel:
// - KC: a kc x NR micro-panel of B takes at most 1/8 of L2 (so that it, the
//   next one and the A block stay in L2 together), within [128, 1024]. k is
//   cut into ceil(k / KC) near-equal pieces, so KC depends on k and the
//   caches only (never on m, n or the thread count).
// - MC: the mc x kc block of A takes 3/8 of L2 (counting kc as >= 256, so
//   that a short k does not make it huge).
// - NC: the kc x nc block of B takes a quarter of this core's share of L3,
//   within [512, 4096] columns.
// Tuned on an AMD EPYC (Zen 5, KVM guest, 48 KiB L1d, 1 MiB L2, 32 MiB L3
// for 2 cores), where f32 8x32 gets MC 96, KC 1024, NC 1024 and f64 8x16
// MC 48, KC 1024, NC 512. There KC 256-1024 and MC 48-192 came within ~3%
// of each other (KC 1024 ahead at 1024-2048: a quarter of the passes over
// C); KC 2048 lost 5% at 2048^3; NC 4096 (a 16 MiB B block) lost ~4% with
// two threads at 2048^3 and ~10% in f64.
template <typename T>
int64_t gemm_kc_max(const GemmKernel<T>& K) {
  const int64_t fit = cache_sizes().l2 / (8 * K.nr * int64_t(sizeof(T)));
  return std::min<int64_t>(1024, std::max<int64_t>(128, fit));
}

template <typename T>
GemmBlocks gemm_blocks(const GemmKernel<T>& K, int64_t k) {
  const CacheSizes& cs = cache_sizes();
  const int64_t sz = sizeof(T);
  const int64_t kc_max = gemm_kc_max(K);
  const int64_t pieces = k <= kc_max ? 1 : (k + kc_max - 1) / kc_max;
  const int64_t kc = pieces == 1 ? std::max<int64_t>(k, 1) : round_up((k + pieces - 1) / pieces, 8);
  const int64_t kc_fit = std::max<int64_t>(kc, 256);
  const int64_t mc = std::max(K.mr, cs.l2 * 3 / 8 / (kc_fit * sz) / K.mr * K.mr);
  const int64_t l3_share = cs.l3 > 0 ? cs.l3 / std::max(1, cs.l3_sharing) : 4 * cs.l2;
  const int64_t nc_fit = std::min<int64_t>(4096, std::max<int64_t>(512, l3_share / 4 / (kc_fit * sz)));
  const int64_t nc = std::max(K.nr, nc_fit / K.nr * K.nr);
  return {mc, kc, nc};
}

// TORCHLET_ISA_DEBUG: log each kernel's blocks the first time it is used.
template <typename T>
void log_blocks_once(const GemmKernel<T>& K) {
  if (!isa_debug()) return;
  static std::mutex mu;
  static std::vector<const char*> seen;
  std::lock_guard<std::mutex> lock(mu);
  if (std::find(seen.begin(), seen.end(), K.name) != seen.end()) return;
  seen.push_back(K.name);
  const int64_t kc_max = gemm_kc_max(K);
  const GemmBlocks bl = gemm_blocks(K, kc_max);
  const CacheSizes& cs = cache_sizes();
  std::fprintf(stderr,
               "torchlet: gemm %s: MR %lld NR %lld MC %lld KC %lld NC %lld (L1d %lld KiB, L2 %lld KiB, L3 %lld KiB "
               "shared by %d)\n",
               K.name, (long long)K.mr, (long long)K.nr, (long long)bl.mc, (long long)kc_max, (long long)bl.nc,
               (long long)(cs.l1d >> 10), (long long)(cs.l2 >> 10), (long long)(cs.l3 >> 10), cs.l3_sharing);
}

// ------------------------------------------------------------ driver
// The five BLIS loops around the micro-kernel:
//   jc (NC cols of C, B block in L3) > pc (KC, pack B) > ic (MC rows, pack A
//   into L2) > jr (NR, one B micro-panel) > ir (MR, one A micro-panel).
// beta and bias apply on the first pc pass only; later passes accumulate
// (beta = 1), which is also what makes beta == 0 never read C.

// The jr and ir loops over one packed mc x kc block of A and kc x nc block of B.
template <typename T>
void macro_kernel(const GemmKernel<T>& K, int64_t mc, int64_t nc, int64_t kc, const T* ap, const T* bp, T* c,
                  int64_t ldc, T alpha, T beta, const T* bias) {
  const int64_t MR = K.mr, NR = K.nr;
  for (int64_t jr = 0; jr < nc; jr += NR) {
    const int64_t nr = std::min(NR, nc - jr);
    const T* bpan = bp + jr * kc;
    const T* bias_j = bias ? bias + jr : nullptr;
    for (int64_t ir = 0; ir < mc; ir += MR)
      K.ukr(kc, ap + ir * kc, bpan, c + ir * ldc + jr, ldc, std::min(MR, mc - ir), nr, alpha, beta, bias_j);
  }
}

// The columns [j0, j0 + nc) of the kc x n slice of op(B) starting at row pc.
template <typename T>
const T* b_at(bool trans_b, const T* b, int64_t ldb, int64_t pc, int64_t j0) {
  return trans_b ? b + j0 * ldb + pc : b + pc * ldb + j0;
}
template <typename T>
const T* a_at(bool trans_a, const T* a, int64_t lda, int64_t i0, int64_t pc) {
  return trans_a ? a + pc * lda + i0 : a + i0 * lda + pc;
}

// gemm_with, reading B in place for m up to direct_b_rows (and one MC block).
template <typename T>
bool gemm_serial(const GemmKernel<T>& K, int64_t direct_b_rows, bool trans_a, bool trans_b, int64_t m, int64_t n,
                 int64_t k, T alpha, const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc,
                 const T* bias) {
  if (m <= 0 || n <= 0) return true;
  GemmScratch& s = scratch();
  if (bias) {
    // Read bias once, before C is written, so that it may alias C.
    T* copy = static_cast<T*>(s.bias.get(size_t(n) * sizeof(T)));
    if (!copy) return false;
    std::memcpy(copy, bias, size_t(n) * sizeof(T));
    bias = copy;
  }
  if (k <= 0 || alpha == T(0)) {
    scale_c(m, n, beta, c, ldc, bias);
    return true;
  }

  const GemmBlocks bl = gemm_blocks(K, k);
  const int64_t kc_max = std::min(bl.kc, k);
  const int64_t mc_max = std::min(bl.mc, round_up(m, K.mr));
  const int64_t nc_max = std::min(bl.nc, round_up(n, K.nr));
  T* bp = static_cast<T*>(s.b.get(size_t(kc_max * nc_max) * sizeof(T)));
  T* ap = static_cast<T*>(s.a.get(size_t(kc_max * mc_max) * sizeof(T)));
  if (!ap || !bp) return false;

  for (int64_t jc = 0; jc < n; jc += bl.nc) {
    const int64_t nc = std::min(bl.nc, n - jc);
    for (int64_t pc = 0; pc < k; pc += bl.kc) {
      const int64_t kc = std::min(bl.kc, k - pc);
      const bool first = pc == 0;
      // B read in place (no packing) when it is plain and m fits one row
      // block: each B panel then serves only ceil(m / MR) micro-kernel calls,
      // too few to repay copying it (m = 64-96: +8-10%; m = 256: +2-3%). Not
      // when B's row stride is a multiple of 512 bytes: its rows would then
      // share a few L1 sets and evict each other between those calls
      // (ldb = 1024 floats lost 30%); packing is immune to that.
      if (!trans_b && K.ukr_direct_b && m <= std::min(bl.mc, direct_b_rows) &&
          (ldb * int64_t(sizeof(T))) % 512 != 0) {
        pack_a_with(K, trans_a, m, kc, a_at(trans_a, a, lda, 0, pc), lda, ap);
        const T* bb = b_at(trans_b, b, ldb, pc, jc);
        for (int64_t jr = 0; jr < nc; jr += K.nr) {
          const int64_t nr = std::min(K.nr, nc - jr);
          const T* bias_j = first && bias ? bias + jc + jr : nullptr;
          for (int64_t ir = 0; ir < m; ir += K.mr)
            K.ukr_direct_b(kc, ap + ir * kc, bb + jr, ldb, c + ir * ldc + jc + jr, ldc, std::min(K.mr, m - ir), nr,
                           alpha, first ? beta : T(1), bias_j);
        }
        continue;
      }
      pack_b_with(K, trans_b, kc, nc, b_at(trans_b, b, ldb, pc, jc), ldb, bp);
      for (int64_t ic = 0; ic < m; ic += bl.mc) {
        const int64_t mc = std::min(bl.mc, m - ic);
        pack_a_with(K, trans_a, mc, kc, a_at(trans_a, a, lda, ic, pc), lda, ap);
        macro_kernel(K, mc, nc, kc, ap, bp, c + ic * ldc + jc, ldc, alpha, first ? beta : T(1),
                     first && bias ? bias + jc : nullptr);
      }
    }
  }
  return true;
}

template <typename T>
bool gemm_with(const GemmKernel<T>& K, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
               const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const T* bias) {
  return gemm_serial(K, m, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
}

// ------------------------------------------------------------ threads
// Rows of C are split among the tasks when m >= n, columns otherwise, evenly
// in whole register tiles (MR rows / NR columns).
// - Row split: for each (jc, pc) block the tasks first pack the B block
//   together into one shared buffer (a parallel_for over its panels), then
//   each computes its rows against it (a second parallel_for), packing its
//   own A blocks into a slice of a buffer the caller allocated. B is packed
//   once, not once per task, and only one copy of it competes for L3.
// - Column split (short, wide C, e.g. a batch of 64 times a 784-wide layer):
//   each task runs the whole blocked driver on its columns with its own
//   thread-local buffers; the A it packs too is small there.
// Whether B is read in place or packed depends on the split, but the two
// give bit-identical results (same values, same FMAs in the same order).
// Every element of C is computed by the same sequence of FMAs whatever the
// split (the k blocking depends on k only), so results do not depend on the
// thread count. The pool may run the tasks of a region inline, one after
// another, on the calling thread (nested or concurrent callers): nothing here
// waits for another task inside a region.
constexpr double kParallelMinFlops = 2.0 * 1024 * 1024;

template <typename T>
bool gemm_rows_shared_b(const GemmKernel<T>& K, int64_t tasks, bool trans_a, bool trans_b, int64_t m, int64_t n,
                        int64_t k, T alpha, const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c,
                        int64_t ldc, const T* bias) {
  const int64_t MR = K.mr, NR = K.nr;
  const int64_t units = (m + MR - 1) / MR;
  const GemmBlocks bl = gemm_blocks(K, k);
  const int64_t kc_max = std::min(bl.kc, k);
  const int64_t mc_max = std::min(bl.mc, (units + tasks - 1) / tasks * MR);
  const int64_t nc_max = std::min(bl.nc, round_up(n, NR));
  // All buffers come from the caller's scratch, so nothing is allocated (and
  // nothing can fail) once C is being written.
  GemmScratch& s = scratch();
  T* bp = static_cast<T*>(s.b.get(size_t(kc_max * nc_max) * sizeof(T)));
  const int64_t a_stride = round_up(kc_max * mc_max, 64 / int64_t(sizeof(T)));
  T* ap = static_cast<T*>(s.a.get(size_t(tasks * a_stride) * sizeof(T)));
  if (!ap || !bp) return false;

  for (int64_t jc = 0; jc < n; jc += bl.nc) {
    const int64_t nc = std::min(bl.nc, n - jc);
    const int64_t panels = (nc + NR - 1) / NR;
    const int64_t pack_tasks = std::min(tasks, panels);
    for (int64_t pc = 0; pc < k; pc += bl.kc) {
      const int64_t kc = std::min(bl.kc, k - pc);
      const bool first = pc == 0;
      parallel_for(pack_tasks, [&](int64_t t) {
        const int64_t j0 = panels * t / pack_tasks * NR, j1 = std::min(nc, panels * (t + 1) / pack_tasks * NR);
        if (j0 < j1) pack_b_with(K, trans_b, kc, j1 - j0, b_at(trans_b, b, ldb, pc, jc + j0), ldb, bp + j0 * kc);
      });
      parallel_for(tasks, [&](int64_t t) {
        const int64_t lo = units * t / tasks * MR, hi = std::min(m, units * (t + 1) / tasks * MR);
        T* apt = ap + t * a_stride;
        for (int64_t ic = lo; ic < hi; ic += bl.mc) {
          const int64_t mc = std::min(bl.mc, hi - ic);
          pack_a_with(K, trans_a, mc, kc, a_at(trans_a, a, lda, ic, pc), lda, apt);
          macro_kernel(K, mc, nc, kc, apt, bp, c + ic * ldc + jc, ldc, alpha, first ? beta : T(1),
                       first && bias ? bias + jc : nullptr);
        }
      });
    }
  }
  return true;
}

template <typename T>
bool gemm_parallel(const GemmKernel<T>& K, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
                   const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const T* bias) {
  const int threads = num_threads();
  const double flops = 2.0 * double(m) * double(n) * double(k);
  const bool split_m = m >= n;
  const int64_t unit = split_m ? K.mr : K.nr, len = split_m ? m : n;
  const int64_t units = (len + unit - 1) / unit;
  const int64_t tasks = std::min<int64_t>(threads, units);
  if (threads <= 1 || k <= 0 || alpha == T(0) || flops < kParallelMinFlops || tasks <= 1) {
    DenormalScope dz;
    return gemm_with(K, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
  }
  if (bias) {
    // bias may alias C, which the tasks write: every task reads this copy.
    T* copy = static_cast<T*>(scratch().bias_outer.get(size_t(n) * sizeof(T)));
    if (!copy) return false;
    std::memcpy(copy, bias, size_t(n) * sizeof(T));
    bias = copy;
  }
  if (split_m)
    return gemm_rows_shared_b(K, tasks, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
  std::atomic<bool> ok{true};
  parallel_for(tasks, [&](int64_t t) {
    // Task t gets columns [lo, hi): an even split, in whole register tiles.
    const int64_t lo = units * t / tasks * unit, hi = std::min(n, units * (t + 1) / tasks * unit);
    if (lo >= hi) return;
    // B in place only up to 12 row tiles here: with both cores streaming
    // their B rows it was 5-10% slower than packing at m = 256 (neutral at
    // m = 64-96, where it still saves the copy single-threaded).
    if (!gemm_serial(K, 12 * K.mr, trans_a, trans_b, m, hi - lo, k, alpha, a, lda, trans_b ? b + lo * ldb : b + lo,
                     ldb, beta, c + lo, ldc, bias ? bias + lo : nullptr))
      ok.store(false, std::memory_order_relaxed);
  });
  return ok.load();
}

// ------------------------------------------------------------ direct small path
// Shapes the blocked driver serves badly (gemm_small.h): a few rows of C
// (batch-1 inference, the weight gradients of a tiny network), where packing
// B touches as much memory as the product itself. Tall, thin products (many
// rows, few columns) stay on the blocked path, which measured faster for them.
// Chosen by the shape only. Returns 0 when the blocked driver should run, -1
// when scratch memory could not be had, 1 when done.
constexpr int64_t kSmallRows = 8;

template <typename T>
const SmallGemm<T>& pick_small(const SmallGemmKernels& t);
template <>
const SmallGemm<float>& pick_small<float>(const SmallGemmKernels& t) { return t.f32; }
template <>
const SmallGemm<double>& pick_small<double>(const SmallGemmKernels& t) { return t.f64; }

template <typename T>
int gemm_small(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda, const T* b,
               int64_t ldb, T beta, T* c, int64_t ldc, const T* bias) {
  if (k <= 0 || alpha == T(0)) return 0;
  enum { kNone, kAxpy, kDot, kTransposedAxpy } how = kNone;
  if (m <= kSmallRows) {
    // Plain B: the blocked driver reads a large B in place at ~225 GFLOP/s for
    // 8 rows (Zen 5), more than the axpy loop's ~90, so the loop only takes a B
    // small enough to stay in L1 (the weight gradients of a tiny network).
    if (!tb) {
      if (n * k <= 16384) how = kAxpy;
    } else if (!ta && m <= 4) how = kDot;
    else if (n * k <= 8192) how = kTransposedAxpy;
  }
  if (how == kNone) return 0;
  GemmScratch& s = scratch();
  if (bias) {
    // Read once, before C is written, so that it may alias C.
    T* copy = static_cast<T*>(s.bias.get(size_t(n) * sizeof(T)));
    if (!copy) return -1;
    std::memcpy(copy, bias, size_t(n) * sizeof(T));
    bias = copy;
  }
  const SmallGemm<T>& K = pick_small<T>(small_gemm_kernels(active_isa()));
  DenormalScope dz;
  if (how == kAxpy) {
    K.axpy(ta, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
  } else if (how == kDot) {
    K.dot(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
  } else {
    // B is stored n x k: copy it as k x n (at most 8192 elements) and run the axpy loop.
    T* bt = static_cast<T*>(s.small_b.get(size_t(n * k) * sizeof(T)));
    if (!bt) return -1;
    for (int64_t j = 0; j < n; j++)
      for (int64_t p = 0; p < k; p++) bt[p * n + j] = b[j * ldb + p];
    K.axpy(ta, m, n, k, alpha, a, lda, bt, n, beta, c, ldc, bias);
  }
  return 1;
}

template <typename T>
bool gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
          const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const T* bias) {
  if (m <= 0 || n <= 0) return true;
  const int small = gemm_small(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
  if (small != 0) return small > 0;
  const GemmKernels& table = gemm_kernels(active_isa());
  const GemmKernel<T>& main = pick<T>(table, false);
  const GemmKernel<T>& alt = pick<T>(table, true);
  // The alternative kernel when the main one would pad the last row tile
  // with more than m/64 extra rows than it.
  const bool use_alt = alt.ukr && (round_up(m, main.mr) - round_up(m, alt.mr)) * 64 > m;
  log_blocks_once(use_alt ? alt : main);
  return gemm_parallel(use_alt ? alt : main, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
}

// ------------------------------------------------------------ reference
template <typename T>
void gemm_ref(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
              const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const T* bias) {
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      double sum = 0;
      if (alpha != T(0))
        for (int64_t p = 0; p < k; p++)
          sum += double(trans_a ? a[p * lda + i] : a[i * lda + p]) * double(trans_b ? b[j * ldb + p] : b[p * ldb + j]);
      double v = double(alpha) * sum;
      if (beta != T(0)) v += double(beta) * double(c[i * ldc + j]);
      if (bias) v += double(bias[j]);
      c[i * ldc + j] = T(v);
    }
}

#define TL_GEMM_INSTANTIATE(T)                                                                                   \
  template bool gemm_with<T>(const GemmKernel<T>&, bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, \
                             const T*, int64_t, T, T*, int64_t, const T*);                                      \
  template bool gemm<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, const T*, int64_t, T, T*,  \
                        int64_t, const T*);                                                                     \
  template void gemm_ref<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, const T*, int64_t, T,   \
                            T*, int64_t, const T*);
TL_GEMM_INSTANTIATE(float)
template GemmBlocks gemm_blocks<float>(const GemmKernel<float>&, int64_t);
template GemmBlocks gemm_blocks<double>(const GemmKernel<double>&, int64_t);
TL_GEMM_INSTANTIATE(double)
#undef TL_GEMM_INSTANTIATE

}  // namespace tl
