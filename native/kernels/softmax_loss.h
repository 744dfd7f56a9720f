// Softmax and loss family.
//
// softmax<T>(outer, n, inner, x, out, log): x contiguous (outer, n, inner);
//   over the middle axis, with m = max_k x (NaN-propagating) and s = sum_k e^(x-m)
//   accumulated in double:  softmax: out = e^(x-m) / s;  log: out = (x-m) - ln s.
//   Max-subtraction keeps logits of +-1e4 finite. A row with a NaN gives NaN;
//   an all -inf row gives NaN (PyTorch).
// softmax_backward<T>(outer, n, inner, y, gy, gx, log): y is the forward output;
//   softmax: gx = y * (gy - sum_k gy*y);  log: gx = gy - e^y * sum_k gy. Sums in double.
// cross_entropy_forward<T>(n, c, logits, target, losses, log_probs): rows of
//   logits (n x c): log_probs = log_softmax(row); losses[i] = -log_probs[i, target[i]].
//   Targets are in [0, c): the binding checks all of them before any write.
// cross_entropy_backward<T>(n, c, log_probs, target, g, g_stride, g_logits):
//   g_logits[i, j] = g[i * g_stride] * (e^log_probs[i, j] - [j == target[i]]),
//   g_stride 0 (one factor for every row) or 1.
// point_loss<T>(kind, n, x, y, out): out[i] = loss(x[i], y[i]):
//   Mse (x-y)^2; Bce (y-1)*max(ln(1-x), -100) - y*max(ln x, -100) (PyTorch's
//   clamp of the logs at -100, in its order of operations); BceLogits
//   max(x, 0) - x*y + ln(1 + e^-|x|).
// point_loss_backward<T>(kind, n, x, y, g, g_stride, gx): gx[i] = g[i*g_stride] * dloss/dx:
//   Mse 2(x-y); Bce (x-y) / max((1-x)x, eps) with PyTorch's eps = float(1e-12) (so
//   -1.000000004e12 at x = 0, y = 1, as torch gives, also in float64);
//   BceLogits sigmoid(x) - y.
// Aliasing: out may be x; gx may be gy or y; log_probs may be logits;
//   g_logits may be log_probs; out/gx of point losses may be x or y, and gx may be g
//   (g is read at index i, or once up front when g_stride is 0, before gx[i] is written).
//   Nothing else may overlap: targets and g are re-read after outputs are written. No alignment
//   assumed; kernels never allocate or throw.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tl::softmax_loss {

enum class PointLoss : int32_t { Mse = 0, Bce, BceLogits, Count };

template <typename T>
void softmax(int64_t outer, int64_t n, int64_t inner, const T* x, T* out, bool log);

template <typename T>
void softmax_backward(int64_t outer, int64_t n, int64_t inner, const T* y, const T* gy, T* gx, bool log);

template <typename T>
void cross_entropy_forward(int64_t n, int64_t c, const T* logits, const int32_t* target, T* losses, T* log_probs);

template <typename T>
void cross_entropy_backward(int64_t n, int64_t c, const T* log_probs, const int32_t* target, const T* g,
                            int64_t g_stride, T* g_logits);

template <typename T>
void point_loss(PointLoss kind, size_t n, const T* x, const T* y, T* out);

template <typename T>
void point_loss_backward(PointLoss kind, size_t n, const T* x, const T* y, const T* g, int64_t g_stride, T* gx);

}  // namespace tl::softmax_loss
