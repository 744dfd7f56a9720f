#include "kernels/optim.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/thread_pool.h"

namespace tl::optim {

template <typename T>
void sgd_step(size_t n, T* __restrict param, const T* __restrict grad, T* __restrict buf, T lr, T momentum,
              T dampening, T weight_decay, bool nesterov, bool first_step) {
  // g = grad (+ weight_decay * param): the decay term is left out when it is 0, as
  // PyTorch does, so that an infinite parameter does not turn into NaN by 0 * inf.
  const bool wd = weight_decay != T(0);
  if (momentum == T(0)) {
    // The common plain-SGD case gets its own loops (no buffer traffic).
    if (wd) for (size_t i = 0; i < n; i++) param[i] -= lr * (grad[i] + weight_decay * param[i]);
    else for (size_t i = 0; i < n; i++) param[i] -= lr * grad[i];
    return;
  }
  const T keep = T(1) - dampening;
  if (first_step) {
    for (size_t i = 0; i < n; i++) {
      const T g = wd ? grad[i] + weight_decay * param[i] : grad[i];
      buf[i] = g;  // PyTorch clones the first gradient into the buffer, undamped
      param[i] -= lr * (nesterov ? g + momentum * g : g);
    }
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const T g = wd ? grad[i] + weight_decay * param[i] : grad[i];
    const T b = momentum * buf[i] + keep * g;
    buf[i] = b;
    param[i] -= lr * (nesterov ? g + momentum * b : b);
  }
}

namespace {

// Elements per task: an update streams three to six arrays, so 16K elements
// (192-384 KiB for float32) keep a task well above its hand-out cost.
constexpr size_t kChunk = size_t(1) << 14;

// Runs fn(t, lo, len) over every kChunk-sized piece of the `count` tensors
// (tensor t has size_of(t) elements) as tasks of the thread pool. The pieces
// depend on the sizes only, never on the thread count.
template <typename SizeOf, typename Fn>
void run_chunked(size_t count, SizeOf&& size_of, Fn&& fn) {
  struct Task {
    size_t t, lo, len;
  };
  thread_local std::vector<Task> reused;  // a training loop allocates nothing here
  // A reference, captured below: inside the lambda, the name `reused` would mean
  // the worker thread's own (empty) thread_local vector.
  std::vector<Task>& tasks = reused;
  tasks.clear();
  for (size_t t = 0; t < count; t++) {
    const size_t n = size_of(t);
    for (size_t lo = 0; lo < n; lo += kChunk) tasks.push_back({t, lo, std::min(kChunk, n - lo)});
  }
  parallel_for(int64_t(tasks.size()), [&](int64_t i) {
    const Task& k = tasks[size_t(i)];
    fn(k.t, k.lo, k.len);
  });
}

}  // namespace

template <typename T>
void sgd_step_many(const SgdTensor<T>* tensors, size_t count, T lr, T momentum, T dampening, T weight_decay,
                   bool nesterov) {
  run_chunked(
      count, [&](size_t t) { return tensors[t].n; },
      [&](size_t t, size_t lo, size_t len) {
        const SgdTensor<T>& s = tensors[t];
        sgd_step<T>(len, s.param + lo, s.grad + lo, s.buf ? s.buf + lo : nullptr, lr, momentum, dampening,
                    weight_decay, nesterov, s.first_step);
      });
}

// ------------------------------------------------------------------ Adam / AdamW

template <typename T>
AdamHyper<T> adam_hyper(double lr, double beta1, double beta2, double eps, double weight_decay, bool amsgrad,
                        bool maximize, bool decoupled) {
  AdamHyper<T> h;
  h.beta1 = T(beta1);
  h.beta2 = T(beta2);
  h.one_minus_beta1 = T(1 - beta1);
  h.one_minus_beta2 = T(1 - beta2);
  h.eps = T(eps);
  h.weight_decay = T(weight_decay);
  h.decay = T(1 - lr * weight_decay);
  h.amsgrad = amsgrad;
  h.maximize = maximize;
  h.decoupled = decoupled;
  return h;
}

template <typename T>
AdamScalars<T> adam_scalars(double step, double lr, double beta1, double beta2) {
  // PyTorch: bias_correction1 = 1 - beta1 ** step; step_size = lr / bias_correction1;
  // bias_correction2_sqrt = math.sqrt(1 - beta2 ** step), all in double.
  const double bc1 = 1 - std::pow(beta1, step);
  const double bc2 = 1 - std::pow(beta2, step);
  return {T(-(lr / bc1)), T(std::sqrt(bc2))};
}

namespace {

// torch.maximum: the larger value, NaN if either is NaN.
template <typename T>
inline T maximum_nan(T a, T b) {
  if (a != a || b != b) return a + b;
  return a > b ? a : b;
}

template <typename T, bool Amsgrad, bool Decoupled>
void adam_loop(size_t n, T* __restrict param, const T* __restrict grad, T* __restrict exp_avg,
               T* __restrict exp_avg_sq, T* __restrict max_exp_avg_sq, const AdamHyper<T>& h, AdamScalars<T> s) {
  const T b1 = h.beta1, b2 = h.beta2, omb1 = h.one_minus_beta1, omb2 = h.one_minus_beta2, eps = h.eps;
  const T wd = h.weight_decay, decay = h.decay, nss = s.neg_step_size, bc2s = s.bias_correction2_sqrt;
  const bool l2 = !Decoupled && wd != T(0), maximize = h.maximize;
  for (size_t i = 0; i < n; i++) {
    T g = maximize ? -grad[i] : grad[i];
    T p = param[i];
    if (Decoupled) p = p * decay;    // param.mul_(1 - lr * weight_decay)
    if (l2) g = g + wd * p;          // grad.add(param, alpha=weight_decay)
    const T m = exp_avg[i] * b1 + omb1 * g;         // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
    const T v = exp_avg_sq[i] * b2 + (omb2 * g) * g;  // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
    T vv = v;
    if (Amsgrad) {
      vv = maximum_nan(max_exp_avg_sq[i], v);
      max_exp_avg_sq[i] = vv;
    }
    const T denom = std::sqrt(vv) / bc2s + eps;  // (v.sqrt() / bias_correction2_sqrt).add_(eps)
    param[i] = p + (nss * m) / denom;            // param.addcdiv_(exp_avg, denom, value=-step_size)
  }
}

}  // namespace

template <typename T>
void adam_step(size_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, T* max_exp_avg_sq,
               const AdamHyper<T>& h, AdamScalars<T> s) {
  if (h.amsgrad) {
    if (h.decoupled) adam_loop<T, true, true>(n, param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, h, s);
    else adam_loop<T, true, false>(n, param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, h, s);
  } else {
    if (h.decoupled) adam_loop<T, false, true>(n, param, grad, exp_avg, exp_avg_sq, nullptr, h, s);
    else adam_loop<T, false, false>(n, param, grad, exp_avg, exp_avg_sq, nullptr, h, s);
  }
}

template <typename T>
void adam_step_many(const AdamTensor<T>* tensors, size_t count, double lr, double beta1, double beta2,
                    const AdamHyper<T>& h) {
  thread_local std::vector<AdamScalars<T>> reused;
  std::vector<AdamScalars<T>>& scalars = reused;  // captured by reference (see run_chunked)
  scalars.resize(count);
  for (size_t t = 0; t < count; t++) scalars[t] = adam_scalars<T>(tensors[t].step, lr, beta1, beta2);
  run_chunked(
      count, [&](size_t t) { return tensors[t].n; },
      [&](size_t t, size_t lo, size_t len) {
        const AdamTensor<T>& a = tensors[t];
        adam_step<T>(len, a.param + lo, a.grad + lo, a.exp_avg + lo, a.exp_avg_sq + lo,
                     a.max_exp_avg_sq ? a.max_exp_avg_sq + lo : nullptr, h, scalars[t]);
      });
}

// ------------------------------------------------------------------ RMSprop

template <typename T>
RmspropHyper<T> rmsprop_hyper(double lr, double alpha, double eps, double weight_decay, double momentum,
                              bool centered, bool maximize) {
  RmspropHyper<T> h;
  h.alpha = T(alpha);
  h.one_minus_alpha = T(1 - alpha);
  h.eps = T(eps);
  h.weight_decay = T(weight_decay);
  h.momentum = T(momentum);
  h.neg_lr = T(-lr);
  h.centered = centered;
  h.maximize = maximize;
  return h;
}

namespace {

template <typename T, bool Centered, bool Momentum>
void rmsprop_loop(size_t n, T* __restrict param, const T* __restrict grad, T* __restrict square_avg,
                  T* __restrict grad_avg, T* __restrict buf, const RmspropHyper<T>& h) {
  const T alpha = h.alpha, oma = h.one_minus_alpha, eps = h.eps, wd = h.weight_decay, mom = h.momentum;
  const T neg_lr = h.neg_lr;
  const bool l2 = wd != T(0), maximize = h.maximize;
  for (size_t i = 0; i < n; i++) {
    T g = maximize ? -grad[i] : grad[i];
    const T p = param[i];
    if (l2) g = g + wd * p;                            // grad.add(param, alpha=weight_decay)
    const T sa = square_avg[i] * alpha + (oma * g) * g;  // square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    square_avg[i] = sa;
    T avg;
    if (Centered) {
      const T ga = grad_avg[i] * alpha + oma * g;  // grad_avg.mul_(alpha).add_(grad, alpha=1 - alpha)
      grad_avg[i] = ga;
      avg = std::sqrt(sa + (-ga) * ga);  // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
    } else {
      avg = std::sqrt(sa);
    }
    avg = avg + eps;
    if (Momentum) {
      const T b = buf[i] * mom + g / avg;  // buf.mul_(momentum).addcdiv_(grad, avg)
      buf[i] = b;
      param[i] = p + neg_lr * b;  // param.add_(buf, alpha=-lr)
    } else {
      param[i] = p + (neg_lr * g) / avg;  // param.addcdiv_(grad, avg, value=-lr)
    }
  }
}

}  // namespace

template <typename T>
void rmsprop_step(size_t n, T* param, const T* grad, T* square_avg, T* grad_avg, T* momentum_buffer,
                  const RmspropHyper<T>& h) {
  const bool mom = h.momentum > T(0);
  if (h.centered) {
    if (mom) rmsprop_loop<T, true, true>(n, param, grad, square_avg, grad_avg, momentum_buffer, h);
    else rmsprop_loop<T, true, false>(n, param, grad, square_avg, grad_avg, nullptr, h);
  } else {
    if (mom) rmsprop_loop<T, false, true>(n, param, grad, square_avg, nullptr, momentum_buffer, h);
    else rmsprop_loop<T, false, false>(n, param, grad, square_avg, nullptr, nullptr, h);
  }
}

template <typename T>
void rmsprop_step_many(const RmspropTensor<T>* tensors, size_t count, const RmspropHyper<T>& h) {
  run_chunked(
      count, [&](size_t t) { return tensors[t].n; },
      [&](size_t t, size_t lo, size_t len) {
        const RmspropTensor<T>& r = tensors[t];
        rmsprop_step<T>(len, r.param + lo, r.grad + lo, r.square_avg + lo, r.grad_avg ? r.grad_avg + lo : nullptr,
                        r.momentum_buffer ? r.momentum_buffer + lo : nullptr, h);
      });
}

template void sgd_step<float>(size_t, float*, const float*, float*, float, float, float, float, bool, bool);
template void sgd_step<double>(size_t, double*, const double*, double*, double, double, double, double, bool, bool);
template void sgd_step_many<float>(const SgdTensor<float>*, size_t, float, float, float, float, bool);
template void sgd_step_many<double>(const SgdTensor<double>*, size_t, double, double, double, double, bool);


#define TL_OPTIM_INSTANTIATE(T)                                                                                    \
  template AdamHyper<T> adam_hyper<T>(double, double, double, double, double, bool, bool, bool);                 \
  template AdamScalars<T> adam_scalars<T>(double, double, double, double);                                         \
  template void adam_step<T>(size_t, T*, const T*, T*, T*, T*, const AdamHyper<T>&, AdamScalars<T>);              \
  template void adam_step_many<T>(const AdamTensor<T>*, size_t, double, double, double, const AdamHyper<T>&);      \
  template RmspropHyper<T> rmsprop_hyper<T>(double, double, double, double, double, bool, bool);                  \
  template void rmsprop_step<T>(size_t, T*, const T*, T*, T*, T*, const RmspropHyper<T>&);                         \
  template void rmsprop_step_many<T>(const RmspropTensor<T>*, size_t, const RmspropHyper<T>&);
TL_OPTIM_INSTANTIATE(float)
TL_OPTIM_INSTANTIATE(double)
#undef TL_OPTIM_INSTANTIATE

}  // namespace tl::optim
