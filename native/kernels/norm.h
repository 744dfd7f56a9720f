// Normalisation family: batch norm and layer norm, forward and backward, each
// one fused pass (statistics, normalisation, affine transform; and for the
// backward dx, dweight and dbias together).
//
// Layout. Batch norm sees x as contiguous (outer, c, inner): channel k holds
// the count = outer*inner elements x[(o*c + k)*inner + j] ((N, C) is inner = 1,
// (N, C, L) is outer = N, inner = L). Layer norm sees x as contiguous (m, n):
// m rows normalised over their n elements (n = prod(normalizedShape)).
//
// batch_norm_forward<T>(outer, c, inner, x, weight, bias, running_mean,
//   running_var, use_batch_stats, momentum, eps, y, save_mean, save_invstd):
//   use_batch_stats (training, or trackRunningStats false):
//     mean_k = sum x / count, var_k = sum (x - mean_k)^2 / count (two passes,
//     accumulated in double, so no cancellation at large means);
//     when running_mean/running_var are not null they become
//       r = (1 - momentum) * r + momentum * stat   (in double, rounded to T),
//     with the unbiased var * count / (count - 1) for running_var (PyTorch).
//   else: mean_k = running_mean[k], var_k = running_var[k] (both required).
//   invstd_k = 1 / sqrt(var_k + eps) (double);
//   y = (x - mean_k) * invstd_k * weight[k] + bias[k], computed in double and
//   rounded once (weight null = 1, bias null = 0).
//   save_mean[k] = mean_k, save_invstd[k] = invstd_k (what the backward needs),
//   kept in double for both T: a float32 mean of inputs near 1e4 would be off by
//   ~5e-4 and the backward's xhat with it.
// batch_norm_backward<T>(outer, c, inner, x, gy, weight, save_mean, save_invstd,
//   use_batch_stats, gx, gweight, gbias): with xhat = (x - mean) * invstd,
//   sums over the channel's elements in double:
//     gbias[k] = sum gy;  gweight[k] = sum gy * xhat;
//     batch stats: gx = (gy - sum gy / count - xhat * gweight[k] / count) * invstd * w
//     running stats (constants): gx = gy * invstd * w.
//   Any of gx, gweight, gbias may be null (not wanted).
// layer_norm_forward<T>(m, n, x, weight, bias, eps, y, save_mean, save_rstd):
//   per row mean = sum x / n, var = sum (x - mean)^2 / n (two passes in double),
//   rstd = 1 / sqrt(var + eps); y = (x - mean) * rstd * weight[j] + bias[j]
//   (weight/bias of length n, or null). save_mean/save_rstd have length m.
// layer_norm_backward<T>(m, n, x, gy, weight, save_mean, save_rstd, gx, gweight,
//   gbias): xhat = (x - mean) * rstd, g = gy * weight[j];
//     gx = rstd * (g - sum_j g / n - xhat * sum_j g * xhat / n)   (row sums in double)
//     gweight[j] = sum_rows gy * xhat;  gbias[j] = sum_rows gy      (in double)
//   Any of gx, gweight, gbias may be null.
// count = 0 (batch norm) or n = 0 (layer norm) gives mean 0 and var NaN, as the
// formulas do; the binding rejects training batch norm on count 1 only above.
// Work is split into tasks by sizes only (channels, blocks of rows or of
// columns), so results never depend on the thread count.
// Aliasing: y may be x and gx may be gy (each element is read before it is
// written, within one task); nothing else may overlap. No alignment assumed;
// kernels never allocate or throw.
#pragma once
#include <cstdint>

namespace tl::norm {

template <typename T>
void batch_norm_forward(int64_t outer, int64_t c, int64_t inner, const T* x, const T* weight, const T* bias,
                        T* running_mean, T* running_var, bool use_batch_stats, double momentum, double eps, T* y,
                        double* save_mean, double* save_invstd);

template <typename T>
void batch_norm_backward(int64_t outer, int64_t c, int64_t inner, const T* x, const T* gy, const T* weight,
                         const double* save_mean, const double* save_invstd, bool use_batch_stats, T* gx, T* gweight,
                         T* gbias);

template <typename T>
void layer_norm_forward(int64_t m, int64_t n, const T* x, const T* weight, const T* bias, double eps, T* y,
                        double* save_mean, double* save_rstd);

template <typename T>
void layer_norm_backward(int64_t m, int64_t n, const T* x, const T* gy, const T* weight, const double* save_mean,
                         const double* save_rstd, T* gx, T* gweight, T* gbias);

}  // namespace tl::norm
