// Optimizer family: fused per-parameter update steps.
//
// sgd_step<T>(n, param, grad, buf, lr, momentum, dampening, weight_decay, nesterov, first_step):
//   PyTorch's torch.optim.SGD rule, elementwise over i < n, in place:
//     g = grad + weight_decay * param           (skipped when weight_decay == 0)
//     if momentum != 0: buf = first_step ? g : momentum * buf + (1 - dampening) * g
//                       g = nesterov ? g + momentum * buf : buf
//     param -= lr * g
//   buf is only touched when momentum != 0 (it may be null when momentum == 0). grad is read-only.
//   Hyperparameters are rounded to T first, as PyTorch's float kernels do.
//   param, grad and buf must not overlap. No alignment assumed; never allocates or throws.
// sgd_step_many<T>(tensors, count, ...): the same update for several parameters
//   at once (one native call per optimizer step). The elements are cut into
//   fixed-size chunks run by the thread pool: each element's arithmetic is the
//   same as sgd_step's, whatever the thread count.
//
// adam_step<T>(n, param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, h, s):
//   PyTorch 1.13's torch.optim.Adam / AdamW rule (_single_tensor_adam{,w}),
//   elementwise over i < n, in place, with s = adam_scalars(step, lr, beta1, beta2):
//     g = maximize ? -grad : grad
//     AdamW (h.decoupled): param = param * (1 - lr * weight_decay)      (always, as PyTorch)
//     Adam:   g = g + weight_decay * param                              (skipped when weight_decay == 0)
//     exp_avg    = exp_avg * beta1 + (1 - beta1) * g
//     exp_avg_sq = exp_avg_sq * beta2 + ((1 - beta2) * g) * g
//     v = exp_avg_sq, or with amsgrad: max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq) (NaN wins), v = it
//     param = param + (-step_size * exp_avg) / (sqrt(v) / bias_correction2_sqrt + eps)
//   where step_size = lr / (1 - beta1^step) and bias_correction2_sqrt = sqrt(1 - beta2^step) are
//   computed in double from the per-parameter step count (std::pow, as CPython's float **),
//   then rounded to T like every hyperparameter (PyTorch passes them as Scalars).
//   Each operation rounds to T in the order written (no fused multiply-add): PyTorch's
//   own AVX2 build contracts some of these into FMAs, so float32 results agree with it
//   to rounding, not bit for bit. max_exp_avg_sq is only touched (and may be null) with
//   amsgrad. grad is read-only; no two arrays may overlap.
// rmsprop_step<T>(n, param, grad, square_avg, grad_avg, momentum_buffer, h):
//   PyTorch 1.13's torch.optim.RMSprop rule (_single_tensor_rmsprop):
//     g = maximize ? -grad : grad;  g = g + weight_decay * param (skipped when weight_decay == 0)
//     square_avg = square_avg * alpha + ((1 - alpha) * g) * g
//     centered: grad_avg = grad_avg * alpha + (1 - alpha) * g;  avg = sqrt(square_avg - grad_avg * grad_avg)
//     else:     avg = sqrt(square_avg)
//     avg = avg + eps
//     momentum > 0: momentum_buffer = momentum_buffer * momentum + g / avg;  param = param + (-lr) * momentum_buffer
//     else:         param = param + ((-lr) * g) / avg
//   grad_avg is only touched (may be null) when centered, momentum_buffer only when momentum > 0.
// adam_step_many / rmsprop_step_many: the same updates for every parameter of a
//   step in one call, cut into fixed-size chunks run by the thread pool; each
//   element's arithmetic is exactly the per-tensor function's, whatever the thread count.
// All of these run with the caller's floating-point mode; the bindings call the
// per-tensor ones inside a DenormalScope so that they see the same mode as a
// thread-pool region (flushed denormals by default).
#pragma once
#include <cstddef>

namespace tl::optim {

template <typename T>
void sgd_step(size_t n, T* param, const T* grad, T* buf, T lr, T momentum, T dampening, T weight_decay, bool nesterov,
              bool first_step);

template <typename T>
struct SgdTensor {
  size_t n;
  T* param;
  const T* grad;
  T* buf;           // null when momentum == 0
  bool first_step;  // this parameter's buffer is new
};

template <typename T>
void sgd_step_many(const SgdTensor<T>* tensors, size_t count, T lr, T momentum, T dampening, T weight_decay,
                   bool nesterov);

template <typename T>
struct AdamHyper {
  T beta1, beta2;
  T one_minus_beta1, one_minus_beta2;  // 1 - beta, computed in double
  T eps, weight_decay;
  T decay;  // AdamW: 1 - lr * weight_decay, computed in double
  bool amsgrad, maximize, decoupled;
};
// Hyperparameters rounded to T (lr enters through decay and AdamScalars).
template <typename T>
AdamHyper<T> adam_hyper(double lr, double beta1, double beta2, double eps, double weight_decay, bool amsgrad,
                        bool maximize, bool decoupled);

// The step-dependent factors of one parameter's update.
template <typename T>
struct AdamScalars {
  T neg_step_size;  // -(lr / (1 - beta1^step))
  T bias_correction2_sqrt;  // sqrt(1 - beta2^step)
};
template <typename T>
AdamScalars<T> adam_scalars(double step, double lr, double beta1, double beta2);

template <typename T>
void adam_step(size_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, T* max_exp_avg_sq,
               const AdamHyper<T>& h, AdamScalars<T> s);

template <typename T>
struct AdamTensor {
  size_t n;
  T* param;
  const T* grad;
  T* exp_avg;
  T* exp_avg_sq;
  T* max_exp_avg_sq;  // null unless amsgrad
  double step;        // this parameter's step count, >= 1, after the increment
};

template <typename T>
void adam_step_many(const AdamTensor<T>* tensors, size_t count, double lr, double beta1, double beta2,
                    const AdamHyper<T>& h);

template <typename T>
struct RmspropHyper {
  T alpha, one_minus_alpha, eps, weight_decay, momentum;
  T neg_lr;
  bool centered, maximize;
};
template <typename T>
RmspropHyper<T> rmsprop_hyper(double lr, double alpha, double eps, double weight_decay, double momentum,
                              bool centered, bool maximize);

template <typename T>
void rmsprop_step(size_t n, T* param, const T* grad, T* square_avg, T* grad_avg, T* momentum_buffer,
                  const RmspropHyper<T>& h);

template <typename T>
struct RmspropTensor {
  size_t n;
  T* param;
  const T* grad;
  T* square_avg;
  T* grad_avg;         // null unless centered
  T* momentum_buffer;  // null unless momentum > 0
};

template <typename T>
void rmsprop_step_many(const RmspropTensor<T>* tensors, size_t count, const RmspropHyper<T>& h);

}  // namespace tl::optim
