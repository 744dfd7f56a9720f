// GEMM driver (BLIS-style loop nest + packing), the portable micro-kernels and
// the naive reference. Compiled with the x86-64 baseline only (SSE2); the
// SIMD micro-kernels live in gemm.avx2.cc / gemm.avx512.cc.
#include "kernels/gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

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
// every test), not a tuned one: blocks sized for a generic 32 KiB L1 and
// 256 KiB+ L2 (B panel 8 KiB, A block 128 KiB f32).
const GemmKernels kScalar = {
    {sgemm_ukr_scalar_4x8, 4, 8, 128, 256, 4096, "sgemm_ukr_scalar_4x8"},
    {dgemm_ukr_scalar_4x4, 4, 4, 128, 256, 4096, "dgemm_ukr_scalar_4x4"},
};

template <typename T>
const GemmKernel<T>& pick(const GemmKernels& t);
template <>
const GemmKernel<float>& pick<float>(const GemmKernels& t) { return t.f32; }
template <>
const GemmKernel<double>& pick<double>(const GemmKernels& t) { return t.f64; }

}  // namespace

const GemmKernels& gemm_kernels_scalar() { return kScalar; }

const GemmKernels& gemm_kernels(Isa isa) {
  if (isa >= Isa::Avx512)
    if (const GemmKernels* t = gemm_kernels_avx512()) return *t;
  if (isa >= Isa::Avx2)
    if (const GemmKernels* t = gemm_kernels_avx2()) return *t;
  return kScalar;
}

// ------------------------------------------------------------ driver
// The five BLIS loops around the micro-kernel:
//   jc (NC cols of C, B block in L3) > pc (KC, pack B) > ic (MC rows, pack A
//   into L2) > jr (NR, B panel stays in L1) > ir (MR, A panel streams from L2).
// beta and bias apply on the first pc pass only; later passes accumulate
// (beta = 1), which is also what makes beta == 0 never read C.
template <typename T>
bool gemm_with(const GemmKernel<T>& K, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
               const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const T* bias) {
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

  const int64_t MR = K.mr, NR = K.nr;
  const int64_t kc_max = std::min(K.kc, k);
  const int64_t mc_max = std::min(K.mc, round_up(m, MR));
  const int64_t nc_max = std::min(K.nc, round_up(n, NR));
  T* bp = static_cast<T*>(s.b.get(size_t(kc_max * nc_max) * sizeof(T)));
  T* ap = static_cast<T*>(s.a.get(size_t(kc_max * mc_max) * sizeof(T)));
  if (!ap || !bp) return false;

  // Threads go here: split jc (and, for tall C, ic) across workers; each
  // worker packs its own A block into its thread-local buffer, B blocks are
  // packed cooperatively into a shared buffer behind a barrier.
  for (int64_t jc = 0; jc < n; jc += K.nc) {
    const int64_t nc = std::min(K.nc, n - jc);
    for (int64_t pc = 0; pc < k; pc += K.kc) {
      const int64_t kc = std::min(K.kc, k - pc);
      const bool first = pc == 0;
      const T beta_pc = first ? beta : T(1);
      const T* bias_pc = first ? bias : nullptr;
      pack_b(trans_b, kc, nc, trans_b ? b + jc * ldb + pc : b + pc * ldb + jc, ldb, NR, bp);
      for (int64_t ic = 0; ic < m; ic += K.mc) {
        const int64_t mc = std::min(K.mc, m - ic);
        pack_a(trans_a, mc, kc, trans_a ? a + pc * lda + ic : a + ic * lda + pc, lda, MR, ap);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const int64_t nr = std::min(NR, nc - jr);
          const T* bpan = bp + jr * kc;
          const T* bias_j = bias_pc ? bias_pc + jc + jr : nullptr;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t mr = std::min(MR, mc - ir);
            K.ukr(kc, ap + ir * kc, bpan, c + (ic + ir) * ldc + jc + jr, ldc, mr, nr, alpha, beta_pc, bias_j);
          }
        }
      }
    }
  }
  return true;
}

// ------------------------------------------------------------ threads
// The product is split into blocks of C, one task each, along the longer of
// m and n (block edges on MR / NR multiples). Each task runs the whole blocked
// driver on its block with its own thread-local packing buffers: the operand
// along the unsplit dim is packed by every task, which costs little next to
// the block's FLOPs, and no task waits for another. Every element of C is
// still computed by the same sequence of FMAs (the k blocking does not
// change), so results do not depend on the thread count.
constexpr double kParallelMinFlops = 2.0 * 1024 * 1024;

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
  std::atomic<bool> ok{true};
  parallel_for(tasks, [&](int64_t t) {
    // Task t gets units [u0, u1): an even split, in whole register tiles.
    const int64_t u0 = units * t / tasks, u1 = units * (t + 1) / tasks;
    const int64_t lo = u0 * unit, hi = std::min(len, u1 * unit);
    if (lo >= hi) return;
    bool r;
    if (split_m)
      r = gemm_with(K, trans_a, trans_b, hi - lo, n, k, alpha, trans_a ? a + lo : a + lo * lda, lda, b, ldb, beta,
                    c + lo * ldc, ldc, bias);
    else
      r = gemm_with(K, trans_a, trans_b, m, hi - lo, k, alpha, a, lda, trans_b ? b + lo * ldb : b + lo, ldb, beta,
                    c + lo, ldc, bias ? bias + lo : nullptr);
    if (!r) ok.store(false, std::memory_order_relaxed);
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
    if (!tb) how = kAxpy;
    else if (!ta && m <= 4) how = kDot;
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
  return gemm_parallel(pick<T>(gemm_kernels(active_isa())), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta,
                       c, ldc, bias);
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
TL_GEMM_INSTANTIATE(double)
#undef TL_GEMM_INSTANTIATE

}  // namespace tl
