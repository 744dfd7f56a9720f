// Scalar reference of the normalisation family (see norm.h). Double
// accumulation everywhere; the loops are simple enough for the compiler to
// vectorise. Tasks: blocks of channels (batch norm), blocks of rows or columns
// (layer norm), fixed by the sizes.
#include "kernels/norm.h"

#include <cmath>

#include "runtime/thread_pool.h"

namespace tl::norm {

namespace {

constexpr int64_t kGrain = 1 << 15;  // elements per task, roughly

// Tasks of ~kGrain elements over `count` units of `unit` elements each.
inline int64_t units_per_task(int64_t unit) {
  const int64_t u = unit > 0 ? kGrain / unit : kGrain;
  return u > 0 ? u : 1;
}

template <typename F>
void for_blocks(int64_t count, int64_t per, F&& fn) {
  if (count <= 0) return;
  const int64_t tasks = (count + per - 1) / per;
  if (tasks == 1) {
    DenormalScope ds;
    fn(int64_t(0), count);
    return;
  }
  parallel_for(tasks, [&](int64_t t) {
    const int64_t lo = t * per;
    const int64_t hi = lo + per < count ? lo + per : count;
    fn(lo, hi);
  });
}

}  // namespace

// Batch norm works on blocks of up to kChannels channels at once, with the
// per-channel sums on the stack: for each o it walks the block's elements in
// memory order (k then j), so (N, C) inputs (inner = 1) read whole rows
// instead of striding down one column per channel.
constexpr int64_t kChannels = 64;

template <typename T>
void batch_norm_forward(int64_t outer, int64_t c, int64_t inner, const T* x, const T* weight, const T* bias,
                        T* running_mean, T* running_var, bool use_batch_stats, double momentum, double eps, T* y,
                        double* save_mean, double* save_invstd) {
  const int64_t count = outer * inner;
  const int64_t stride = c * inner;
  const int64_t blocks = (c + kChannels - 1) / kChannels;
  const int64_t work = kChannels * (count > 0 ? count : 1);  // elements of one block, about
  for_blocks(blocks, kGrain / work > 0 ? kGrain / work : 1, [&](int64_t b0, int64_t b1) {
    for (int64_t blk = b0; blk < b1; blk++) {
      const int64_t k0 = blk * kChannels;
      const int64_t w = c - k0 < kChannels ? c - k0 : kChannels;
      double mean[kChannels], a[kChannels], sh[kChannels];
      if (use_batch_stats) {
        double s[kChannels], ss[kChannels];
        for (int64_t k = 0; k < w; k++) s[k] = ss[k] = 0;
        for (int64_t o = 0; o < outer; o++) {
          const T* xo = x + o * stride + k0 * inner;
          for (int64_t k = 0; k < w; k++) {
            double acc = 0;
            for (int64_t j = 0; j < inner; j++) acc += static_cast<double>(xo[k * inner + j]);
            s[k] += acc;
          }
        }
        for (int64_t k = 0; k < w; k++) mean[k] = s[k] / static_cast<double>(count);
        for (int64_t o = 0; o < outer; o++) {
          const T* xo = x + o * stride + k0 * inner;
          for (int64_t k = 0; k < w; k++) {
            double acc = 0;
            for (int64_t j = 0; j < inner; j++) {
              const double d = static_cast<double>(xo[k * inner + j]) - mean[k];
              acc += d * d;
            }
            ss[k] += acc;
          }
        }
        for (int64_t k = 0; k < w; k++) {
          const int64_t kk = k0 + k;
          if (running_mean)
            running_mean[kk] =
                static_cast<T>(momentum * mean[k] + (1 - momentum) * static_cast<double>(running_mean[kk]));
          if (running_var) {
            const double unbiased = ss[k] / static_cast<double>(count - 1);
            running_var[kk] =
                static_cast<T>(momentum * unbiased + (1 - momentum) * static_cast<double>(running_var[kk]));
          }
          a[k] = 1.0 / std::sqrt(ss[k] / static_cast<double>(count) + eps);  // invstd for now
        }
      } else {
        for (int64_t k = 0; k < w; k++) {
          mean[k] = static_cast<double>(running_mean[k0 + k]);
          a[k] = 1.0 / std::sqrt(static_cast<double>(running_var[k0 + k]) + eps);
        }
      }
      for (int64_t k = 0; k < w; k++) {
        save_mean[k0 + k] = mean[k];
        save_invstd[k0 + k] = a[k];
        a[k] *= weight ? static_cast<double>(weight[k0 + k]) : 1.0;
        sh[k] = bias ? static_cast<double>(bias[k0 + k]) : 0.0;
      }
      for (int64_t o = 0; o < outer; o++) {
        const T* xo = x + o * stride + k0 * inner;
        T* yo = y + o * stride + k0 * inner;
        for (int64_t k = 0; k < w; k++)
          for (int64_t j = 0; j < inner; j++) {
            const int64_t i = k * inner + j;
            yo[i] = static_cast<T>((static_cast<double>(xo[i]) - mean[k]) * a[k] + sh[k]);
          }
      }
    }
  });
}

template <typename T>
void batch_norm_backward(int64_t outer, int64_t c, int64_t inner, const T* x, const T* gy, const T* weight,
                         const double* save_mean, const double* save_invstd, bool use_batch_stats, T* gx, T* gweight,
                         T* gbias) {
  const int64_t count = outer * inner;
  const int64_t stride = c * inner;
  const int64_t blocks = (c + kChannels - 1) / kChannels;
  const int64_t work = kChannels * (count > 0 ? count : 1);
  for_blocks(blocks, kGrain / work > 0 ? kGrain / work : 1, [&](int64_t b0, int64_t b1) {
    for (int64_t blk = b0; blk < b1; blk++) {
      const int64_t k0 = blk * kChannels;
      const int64_t w = c - k0 < kChannels ? c - k0 : kChannels;
      double sg[kChannels], sgx[kChannels];  // sum gy, sum gy * (x - mean)
      for (int64_t k = 0; k < w; k++) sg[k] = sgx[k] = 0;
      for (int64_t o = 0; o < outer; o++) {
        const T* xo = x + o * stride + k0 * inner;
        const T* go = gy + o * stride + k0 * inner;
        for (int64_t k = 0; k < w; k++) {
          const double mean = save_mean[k0 + k];
          double a = 0, b = 0;
          for (int64_t j = 0; j < inner; j++) {
            const double g = static_cast<double>(go[k * inner + j]);
            a += g;
            b += g * (static_cast<double>(xo[k * inner + j]) - mean);
          }
          sg[k] += a;
          sgx[k] += b;
        }
      }
      for (int64_t k = 0; k < w; k++) {
        if (gbias) gbias[k0 + k] = static_cast<T>(sg[k]);
        if (gweight) gweight[k0 + k] = static_cast<T>(sgx[k] * save_invstd[k0 + k]);
      }
      if (!gx) continue;
      double gmean[kChannels], kx[kChannels], f[kChannels];
      const double n = static_cast<double>(count);
      for (int64_t k = 0; k < w; k++) {
        const double invstd = save_invstd[k0 + k];
        f[k] = invstd * (weight ? static_cast<double>(weight[k0 + k]) : 1.0);
        gmean[k] = use_batch_stats ? sg[k] / n : 0.0;
        kx[k] = use_batch_stats ? sgx[k] * invstd * invstd / n : 0.0;
      }
      for (int64_t o = 0; o < outer; o++) {
        const T* xo = x + o * stride + k0 * inner;
        const T* go = gy + o * stride + k0 * inner;
        T* gxo = gx + o * stride + k0 * inner;
        for (int64_t k = 0; k < w; k++) {
          const double mean = save_mean[k0 + k];
          for (int64_t j = 0; j < inner; j++) {
            const int64_t i = k * inner + j;
            const double xm = static_cast<double>(xo[i]) - mean;
            gxo[i] = static_cast<T>((static_cast<double>(go[i]) - gmean[k] - xm * kx[k]) * f[k]);
          }
        }
      }
    }
  });
}

template <typename T>
void layer_norm_forward(int64_t m, int64_t n, const T* x, const T* weight, const T* bias, double eps, T* y,
                        double* save_mean, double* save_rstd) {
  for_blocks(m, units_per_task(n), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const T* xr = x + r * n;
      T* yr = y + r * n;
      double s = 0;
      for (int64_t j = 0; j < n; j++) s += static_cast<double>(xr[j]);
      const double mean = s / static_cast<double>(n);
      double ss = 0;
      for (int64_t j = 0; j < n; j++) {
        const double d = static_cast<double>(xr[j]) - mean;
        ss += d * d;
      }
      const double rstd = 1.0 / std::sqrt(ss / static_cast<double>(n) + eps);
      if (weight && bias)
        for (int64_t j = 0; j < n; j++)
          yr[j] = static_cast<T>((static_cast<double>(xr[j]) - mean) * rstd * static_cast<double>(weight[j]) +
                                 static_cast<double>(bias[j]));
      else
        for (int64_t j = 0; j < n; j++) {
          double v = (static_cast<double>(xr[j]) - mean) * rstd;
          if (weight) v *= static_cast<double>(weight[j]);
          if (bias) v += static_cast<double>(bias[j]);
          yr[j] = static_cast<T>(v);
        }
      save_mean[r] = mean;
      save_rstd[r] = rstd;
    }
  });
}

template <typename T>
void layer_norm_backward(int64_t m, int64_t n, const T* x, const T* gy, const T* weight, const double* save_mean,
                         const double* save_rstd, T* gx, T* gweight, T* gbias) {
  // gweight / gbias: column blocks, each summing down all rows (done before gx,
  // which may overwrite gy).
  if (gweight || gbias) {
    constexpr int64_t kCols = 64;
    for_blocks(n, kCols, [&](int64_t j0, int64_t j1) {
      double aw[kCols], ab[kCols];
      const int64_t w = j1 - j0;
      for (int64_t j = 0; j < w; j++) aw[j] = ab[j] = 0;
      for (int64_t r = 0; r < m; r++) {
        const double mean = save_mean[r];
        const double rstd = save_rstd[r];
        const T* xr = x + r * n + j0;
        const T* gr = gy + r * n + j0;
        for (int64_t j = 0; j < w; j++) {
          const double g = static_cast<double>(gr[j]);
          ab[j] += g;
          aw[j] += g * (static_cast<double>(xr[j]) - mean) * rstd;
        }
      }
      for (int64_t j = 0; j < w; j++) {
        if (gweight) gweight[j0 + j] = static_cast<T>(aw[j]);
        if (gbias) gbias[j0 + j] = static_cast<T>(ab[j]);
      }
    });
  }
  if (!gx) return;
  for_blocks(m, units_per_task(n), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const T* xr = x + r * n;
      const T* gr = gy + r * n;
      T* gxr = gx + r * n;
      const double mean = save_mean[r];
      const double rstd = save_rstd[r];
      double a = 0, b = 0;  // sum g, sum g * xhat with g = gy * weight
      for (int64_t j = 0; j < n; j++) {
        const double g = static_cast<double>(gr[j]) * (weight ? static_cast<double>(weight[j]) : 1.0);
        a += g;
        b += g * (static_cast<double>(xr[j]) - mean) * rstd;
      }
      const double nn = static_cast<double>(n);
      a /= nn;
      b /= nn;
      for (int64_t j = 0; j < n; j++) {
        const double g = static_cast<double>(gr[j]) * (weight ? static_cast<double>(weight[j]) : 1.0);
        const double xhat = (static_cast<double>(xr[j]) - mean) * rstd;
        gxr[j] = static_cast<T>(rstd * (g - a - xhat * b));
      }
    }
  });
}

#define TL_NORM_INSTANTIATE(T)                                                                             \
  template void batch_norm_forward<T>(int64_t, int64_t, int64_t, const T*, const T*, const T*, T*, T*, bool,  \
                                      double, double, T*, double*, double*);                                   \
  template void batch_norm_backward<T>(int64_t, int64_t, int64_t, const T*, const T*, const T*, const double*, \
                                       const double*, bool, T*, T*, T*);                                       \
  template void layer_norm_forward<T>(int64_t, int64_t, const T*, const T*, const T*, double, T*, double*,     \
                                      double*);                                                                \
  template void layer_norm_backward<T>(int64_t, int64_t, const T*, const T*, const T*, const double*,          \
                                       const double*, T*, T*, T*);
TL_NORM_INSTANTIATE(float)
TL_NORM_INSTANTIATE(double)

}  // namespace tl::norm
