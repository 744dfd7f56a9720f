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
// cross_entropy_ex_forward<T>(n, c, logits, target, weight, ignore_index, eps, losses, row_w, log_probs):
//   PyTorch's cross_entropy with class weights, ignore_index and label
//   smoothing eps, per row: log_probs = log_softmax(row); a row whose target is
//   ignore_index gets losses[i] = row_w[i] = 0; else with wt = weight[t] (1 when
//   weight is null) losses[i] = (1 - eps) * -wt*lp[t] + eps/c * -sum_j w_j lp[j],
//   row_w[i] = wt. The mean reduction is sum(losses) / sum(row_w) (PyTorch
//   divides both terms by the kept rows' summed weights). Other targets are in
//   [0, c) (the binding checks).
// cross_entropy_ex_backward<T>(n, c, log_probs, target, weight, ignore_index, eps, g, g_stride, g_logits):
//   p = e^lp; g_logits[i, j] = g_i * ((1 - eps) wt (p_j - [j == t]) + eps/c (p_j W - w_j)),
//   W = sum_j w_j (c without weights); ignored rows get 0.
// soft_cross_entropy_forward<T>(n, c, logits, q, weight, losses, log_probs):
//   probability targets q (n x c): losses[i] = -sum_j w_j q[i, j] lp[i, j].
// soft_cross_entropy_backward<T>(n, c, log_probs, q, weight, g, g_stride, g_logits):
//   g_logits[i, j] = g_i (p_j sum_k w_k q[i, k] - w_j q[i, j]).
//   (All sums over a row in double.)
// point_loss<T>(kind, n, x, y, out): out[i] = loss(x[i], y[i]):
//   Mse (x-y)^2; Bce (y-1)*max(ln(1-x), -100) - y*max(ln x, -100) (PyTorch's
//   clamp of the logs at -100, in its order of operations); BceLogits
//   max(x, 0) - x*y + ln(1 + e^-|x|); with d = x - y, z = |d| and p = param:
//   L1 z; SmoothL1 z < p ? 0.5 z^2 / p : z - 0.5 p (p = beta >= 0); Huber
//   z < p ? 0.5 z^2 : p (z - 0.5 p) (p = delta > 0). Mse/Bce/BceLogits ignore p.
// point_loss_backward<T>(kind, n, x, y, g, g_stride, gx): gx[i] = g[i*g_stride] * dloss/dx:
//   Mse 2(x-y); Bce (x-y) / max((1-x)x, eps) with PyTorch's eps = float(1e-12) (so
//   -1.000000004e12 at x = 0, y = 1, as torch gives, also in float64);
//   BceLogits sigmoid(x) - y; L1 sign(d) (0 at 0); SmoothL1 d <= -p ? -1 : d >= p ? 1 : d/p;
//   Huber d <= -p ? -p : d >= p ? p : d.
// Aliasing: out may be x; gx may be gy or y; log_probs may be logits;
//   g_logits may be log_probs; out/gx of point losses may be x or y, and gx may be g
//   (g is read at index i, or once up front when g_stride is 0, before gx[i] is written).
//   Nothing else may overlap: targets and g are re-read after outputs are written. No alignment
//   assumed; kernels never allocate or throw.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tl::softmax_loss {

enum class PointLoss : int32_t { Mse = 0, Bce, BceLogits, L1, SmoothL1, Huber, Count };

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
void cross_entropy_ex_forward(int64_t n, int64_t c, const T* logits, const int32_t* target, const T* weight,
                              int64_t ignore_index, double eps, T* losses, T* row_w, T* log_probs);

template <typename T>
void cross_entropy_ex_backward(int64_t n, int64_t c, const T* log_probs, const int32_t* target, const T* weight,
                               int64_t ignore_index, double eps, const T* g, int64_t g_stride, T* g_logits);

template <typename T>
void soft_cross_entropy_forward(int64_t n, int64_t c, const T* logits, const T* q, const T* weight, T* losses,
                                T* log_probs);

template <typename T>
void soft_cross_entropy_backward(int64_t n, int64_t c, const T* log_probs, const T* q, const T* weight, const T* g,
                                 int64_t g_stride, T* g_logits);

template <typename T>
void point_loss(PointLoss kind, size_t n, const T* x, const T* y, T* out, T param);

template <typename T>
void point_loss_backward(PointLoss kind, size_t n, const T* x, const T* y, const T* g, int64_t g_stride, T* gx,
                         T param);

}  // namespace tl::softmax_loss
