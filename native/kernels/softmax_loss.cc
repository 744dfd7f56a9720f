#include "kernels/softmax_loss.h"

#include <cmath>

namespace tl::softmax_loss {

namespace {

constexpr int64_t kBlock = 256;  // columns handled at once when inner > 1

template <typename T>
inline T pick_max(T m, T v) { return (v > m || v != v) ? v : m; }

// ---- contiguous rows (inner == 1). Every pass reads x[k] before writing
// out[k] at the same k, so out == x is fine.

template <typename T>
void softmax_row(int64_t n, const T* x, T* out, bool log) {
  T m = x[0];
  for (int64_t k = 1; k < n; k++) m = pick_max(m, x[k]);
  double s = 0;
  if (log) {
    for (int64_t k = 0; k < n; k++) s += static_cast<double>(std::exp(x[k] - m));
    const T ls = static_cast<T>(std::log(s));
    for (int64_t k = 0; k < n; k++) out[k] = (x[k] - m) - ls;
  } else {
    for (int64_t k = 0; k < n; k++) {
      const T e = std::exp(x[k] - m);
      out[k] = e;
      s += static_cast<double>(e);
    }
    const T r = static_cast<T>(1.0 / s);
    for (int64_t k = 0; k < n; k++) out[k] *= r;
  }
}

template <typename T>
void softmax_cols(int64_t n, int64_t inner, int64_t w, const T* x, T* out, bool log) {
  T m[kBlock];
  double s[kBlock];
  for (int64_t j = 0; j < w; j++) {
    m[j] = x[j];
    s[j] = 0;
  }
  for (int64_t k = 1; k < n; k++)
    for (int64_t j = 0; j < w; j++) m[j] = pick_max(m[j], x[k * inner + j]);
  for (int64_t k = 0; k < n; k++)
    for (int64_t j = 0; j < w; j++) {
      const T e = std::exp(x[k * inner + j] - m[j]);
      if (!log) out[k * inner + j] = e;
      s[j] += static_cast<double>(e);
    }
  T f[kBlock];
  for (int64_t j = 0; j < w; j++) f[j] = log ? static_cast<T>(std::log(s[j])) : static_cast<T>(1.0 / s[j]);
  for (int64_t k = 0; k < n; k++)
    for (int64_t j = 0; j < w; j++) {
      const int64_t i = k * inner + j;
      out[i] = log ? (x[i] - m[j]) - f[j] : out[i] * f[j];
    }
}

template <typename T>
void softmax_bwd_row(int64_t n, const T* y, const T* gy, T* gx, bool log) {
  double s = 0;
  if (log) {
    for (int64_t k = 0; k < n; k++) s += static_cast<double>(gy[k]);
    const T st = static_cast<T>(s);
    for (int64_t k = 0; k < n; k++) gx[k] = gy[k] - std::exp(y[k]) * st;
  } else {
    for (int64_t k = 0; k < n; k++) s += static_cast<double>(gy[k]) * static_cast<double>(y[k]);
    const T st = static_cast<T>(s);
    for (int64_t k = 0; k < n; k++) gx[k] = y[k] * (gy[k] - st);
  }
}

template <typename T>
void softmax_bwd_cols(int64_t n, int64_t inner, int64_t w, const T* y, const T* gy, T* gx, bool log) {
  double s[kBlock];
  for (int64_t j = 0; j < w; j++) s[j] = 0;
  for (int64_t k = 0; k < n; k++)
    for (int64_t j = 0; j < w; j++) {
      const int64_t i = k * inner + j;
      s[j] += log ? static_cast<double>(gy[i]) : static_cast<double>(gy[i]) * static_cast<double>(y[i]);
    }
  T st[kBlock];
  for (int64_t j = 0; j < w; j++) st[j] = static_cast<T>(s[j]);
  for (int64_t k = 0; k < n; k++)
    for (int64_t j = 0; j < w; j++) {
      const int64_t i = k * inner + j;
      gx[i] = log ? gy[i] - std::exp(y[i]) * st[j] : y[i] * (gy[i] - st[j]);
    }
}

}  // namespace

template <typename T>
void softmax(int64_t outer, int64_t n, int64_t inner, const T* x, T* out, bool log) {
  if (n == 0 || inner == 0) return;
  for (int64_t o = 0; o < outer; o++) {
    const T* xo = x + o * n * inner;
    T* oo = out + o * n * inner;
    if (inner == 1) {
      softmax_row(n, xo, oo, log);
      continue;
    }
    for (int64_t j0 = 0; j0 < inner; j0 += kBlock)
      softmax_cols(n, inner, inner - j0 < kBlock ? inner - j0 : kBlock, xo + j0, oo + j0, log);
  }
}

template <typename T>
void softmax_backward(int64_t outer, int64_t n, int64_t inner, const T* y, const T* gy, T* gx, bool log) {
  if (n == 0 || inner == 0) return;
  for (int64_t o = 0; o < outer; o++) {
    const int64_t base = o * n * inner;
    if (inner == 1) {
      softmax_bwd_row(n, y + base, gy + base, gx + base, log);
      continue;
    }
    for (int64_t j0 = 0; j0 < inner; j0 += kBlock)
      softmax_bwd_cols(n, inner, inner - j0 < kBlock ? inner - j0 : kBlock, y + base + j0, gy + base + j0,
                       gx + base + j0, log);
  }
}

template <typename T>
void cross_entropy_forward(int64_t n, int64_t c, const T* logits, const int32_t* target, T* losses, T* log_probs) {
  if (c == 0) return;
  for (int64_t i = 0; i < n; i++) {
    softmax_row(c, logits + i * c, log_probs + i * c, true);
    losses[i] = -log_probs[i * c + target[i]];
  }
}

template <typename T>
void cross_entropy_backward(int64_t n, int64_t c, const T* log_probs, const int32_t* target, const T* g,
                            int64_t g_stride, T* g_logits) {
  for (int64_t i = 0; i < n; i++) {
    const T gi = g[i * g_stride];
    const T* lp = log_probs + i * c;
    T* gl = g_logits + i * c;
    for (int64_t j = 0; j < c; j++) gl[j] = gi * std::exp(lp[j]);
    gl[target[i]] -= gi;  // gi * (p - 1) == gi*p - gi up to one rounding
  }
}

template <typename T>
void cross_entropy_ex_forward(int64_t n, int64_t c, const T* logits, const int32_t* target, const T* weight,
                              int64_t ignore_index, double eps, T* losses, T* row_w, T* log_probs) {
  for (int64_t i = 0; i < n; i++) {
    const T* z = logits + i * c;
    T* lp = log_probs + i * c;
    if (c > 0) softmax_row(c, z, lp, true);
    const int64_t t = target[i];
    if (t == ignore_index) {
      losses[i] = 0;
      row_w[i] = 0;
      continue;
    }
    const double wt = weight ? static_cast<double>(weight[t]) : 1.0;
    double loss = -wt * static_cast<double>(lp[t]);
    if (eps > 0) {
      double s = 0;
      for (int64_t j = 0; j < c; j++) s -= (weight ? static_cast<double>(weight[j]) : 1.0) * static_cast<double>(lp[j]);
      loss = (1 - eps) * loss + eps / static_cast<double>(c) * s;
    }
    losses[i] = static_cast<T>(loss);
    row_w[i] = static_cast<T>(wt);
  }
}

template <typename T>
void cross_entropy_ex_backward(int64_t n, int64_t c, const T* log_probs, const int32_t* target, const T* weight,
                               int64_t ignore_index, double eps, const T* g, int64_t g_stride, T* g_logits) {
  double wsum = static_cast<double>(c);
  if (weight) {
    wsum = 0;
    for (int64_t j = 0; j < c; j++) wsum += static_cast<double>(weight[j]);
  }
  const double se = eps / static_cast<double>(c);
  for (int64_t i = 0; i < n; i++) {
    const T* lp = log_probs + i * c;
    T* gl = g_logits + i * c;
    const int64_t t = target[i];
    if (t == ignore_index) {
      for (int64_t j = 0; j < c; j++) gl[j] = 0;
      continue;
    }
    const double gi = static_cast<double>(g[i * g_stride]);
    const double a = (1 - eps) * (weight ? static_cast<double>(weight[t]) : 1.0);
    for (int64_t j = 0; j < c; j++) {
      const double p = std::exp(static_cast<double>(lp[j]));
      const double wj = weight ? static_cast<double>(weight[j]) : 1.0;
      double v = a * (p - (j == t ? 1.0 : 0.0));
      if (eps > 0) v += se * (p * wsum - wj);
      gl[j] = static_cast<T>(gi * v);
    }
  }
}

template <typename T>
void soft_cross_entropy_forward(int64_t n, int64_t c, const T* logits, const T* q, const T* weight, T* losses,
                                T* log_probs) {
  for (int64_t i = 0; i < n; i++) {
    T* lp = log_probs + i * c;
    if (c > 0) softmax_row(c, logits + i * c, lp, true);
    const T* qi = q + i * c;
    double s = 0;
    for (int64_t j = 0; j < c; j++)
      s -= (weight ? static_cast<double>(weight[j]) : 1.0) * static_cast<double>(qi[j]) * static_cast<double>(lp[j]);
    losses[i] = static_cast<T>(s);
  }
}

template <typename T>
void soft_cross_entropy_backward(int64_t n, int64_t c, const T* log_probs, const T* q, const T* weight, const T* g,
                                 int64_t g_stride, T* g_logits) {
  for (int64_t i = 0; i < n; i++) {
    const T* lp = log_probs + i * c;
    const T* qi = q + i * c;
    T* gl = g_logits + i * c;
    const double gi = static_cast<double>(g[i * g_stride]);
    double wq = 0;
    for (int64_t j = 0; j < c; j++) wq += (weight ? static_cast<double>(weight[j]) : 1.0) * static_cast<double>(qi[j]);
    for (int64_t j = 0; j < c; j++) {
      const double wj = weight ? static_cast<double>(weight[j]) : 1.0;
      gl[j] = static_cast<T>(gi * (std::exp(static_cast<double>(lp[j])) * wq - wj * static_cast<double>(qi[j])));
    }
  }
}

namespace {

template <typename T>
inline T clamp_log(T v) {
  const T l = std::log(v);
  return l < T(-100) ? T(-100) : l;  // -inf (v == 0) becomes -100; NaN stays NaN
}

template <typename T, typename F>
inline void zip(size_t n, const T* __restrict x, const T* __restrict y, T* __restrict out, F f) {
  for (size_t i = 0; i < n; i++) out[i] = f(x[i], y[i]);
}

// g broadcast (stride 0) or elementwise (stride 1): two loops so both vectorise.
template <typename T, typename F>
inline void zip_g(size_t n, const T* __restrict x, const T* __restrict y, const T* __restrict g, int64_t gs,
                  T* __restrict out, F f) {
  if (gs == 0) {
    const T g0 = g[0];
    for (size_t i = 0; i < n; i++) out[i] = g0 * f(x[i], y[i]);
  } else {
    for (size_t i = 0; i < n; i++) out[i] = g[i] * f(x[i], y[i]);
  }
}

template <typename T>
inline T sigmoid(T v) {
  const T e = std::exp(-std::abs(v));
  const T r = T(1) / (T(1) + e);
  return v >= 0 ? r : e * r;
}

}  // namespace

template <typename T>
void point_loss(PointLoss kind, size_t n, const T* x, const T* y, T* out, T param) {
  const T p = param;
  switch (kind) {
    case PointLoss::Mse:
      return zip(n, x, y, out, [](T a, T b) {
        const T d = a - b;
        return d * d;
      });
    case PointLoss::Bce:
      return zip(n, x, y, out, [](T a, T b) { return (b - T(1)) * clamp_log(T(1) - a) - b * clamp_log(a); });
    case PointLoss::BceLogits:
      return zip(n, x, y, out, [](T a, T b) {
        return (a > 0 ? a : T(0)) - a * b + std::log1p(std::exp(-std::abs(a)));
      });
    case PointLoss::L1: return zip(n, x, y, out, [](T a, T b) { return std::abs(a - b); });
    case PointLoss::SmoothL1:
      return zip(n, x, y, out, [p](T a, T b) {
        const T z = std::abs(a - b);
        return z < p ? T(0.5) * z * z / p : z - T(0.5) * p;
      });
    case PointLoss::Huber:
      return zip(n, x, y, out, [p](T a, T b) {
        const T z = std::abs(a - b);
        return z < p ? T(0.5) * z * z : p * (z - T(0.5) * p);
      });
    case PointLoss::Count: return;
  }
}

template <typename T>
void point_loss_backward(PointLoss kind, size_t n, const T* x, const T* y, const T* g, int64_t g_stride, T* gx,
                         T param) {
  const T p = param;
  switch (kind) {
    case PointLoss::Mse: return zip_g(n, x, y, g, g_stride, gx, [](T a, T b) { return T(2) * (a - b); });
    case PointLoss::Bce:
      return zip_g(n, x, y, g, g_stride, gx, [](T a, T b) {
        // PyTorch's EPSILON is the float 1e-12f (9.99999996e-13), also for double.
        constexpr T kEps = static_cast<T>(1e-12f);
        const T d = (T(1) - a) * a;
        return (a - b) / (d < kEps ? kEps : d);  // std::max's order: NaN stays NaN
      });
    case PointLoss::BceLogits: return zip_g(n, x, y, g, g_stride, gx, [](T a, T b) { return sigmoid(a) - b; });
    case PointLoss::L1:
      return zip_g(n, x, y, g, g_stride, gx, [](T a, T b) {
        const T d = a - b;
        return d > 0 ? T(1) : d < 0 ? T(-1) : d;  // 0 at 0, NaN stays NaN
      });
    case PointLoss::SmoothL1:
      return zip_g(n, x, y, g, g_stride, gx, [p](T a, T b) {
        const T d = a - b;
        return d <= -p ? T(-1) : d >= p ? T(1) : d / p;
      });
    case PointLoss::Huber:
      return zip_g(n, x, y, g, g_stride, gx, [p](T a, T b) {
        const T d = a - b;
        return d <= -p ? -p : d >= p ? p : d;
      });
    case PointLoss::Count: return;
  }
}

#define TL_SOFTMAX_LOSS(T)                                                                                      \
  template void softmax<T>(int64_t, int64_t, int64_t, const T*, T*, bool);                                      \
  template void softmax_backward<T>(int64_t, int64_t, int64_t, const T*, const T*, T*, bool);                   \
  template void cross_entropy_forward<T>(int64_t, int64_t, const T*, const int32_t*, T*, T*);                   \
  template void cross_entropy_backward<T>(int64_t, int64_t, const T*, const int32_t*, const T*, int64_t, T*);   \
  template void cross_entropy_ex_forward<T>(int64_t, int64_t, const T*, const int32_t*, const T*, int64_t, double, \
                                            T*, T*, T*);                                                      \
  template void cross_entropy_ex_backward<T>(int64_t, int64_t, const T*, const int32_t*, const T*, int64_t,       \
                                             double, const T*, int64_t, T*);                                   \
  template void soft_cross_entropy_forward<T>(int64_t, int64_t, const T*, const T*, const T*, T*, T*);            \
  template void soft_cross_entropy_backward<T>(int64_t, int64_t, const T*, const T*, const T*, const T*, int64_t,  \
                                               T*);                                                            \
  template void point_loss<T>(PointLoss, size_t, const T*, const T*, T*, T);                                    \
  template void point_loss_backward<T>(PointLoss, size_t, const T*, const T*, const T*, int64_t, T*, T);
TL_SOFTMAX_LOSS(float)
TL_SOFTMAX_LOSS(double)
#undef TL_SOFTMAX_LOSS

}  // namespace tl::softmax_loss
