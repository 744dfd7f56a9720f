#include "kernels/optim.h"

#include <algorithm>
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

template <typename T>
void sgd_step_many(const SgdTensor<T>* tensors, size_t count, T lr, T momentum, T dampening, T weight_decay,
                   bool nesterov) {
  // Elements per task: a parameter's update streams three arrays, so 16K
  // elements (192 KiB for float32) keep a task well above its hand-out cost.
  constexpr size_t kChunk = size_t(1) << 14;
  struct Task {
    size_t t, lo, len;
  };
  thread_local std::vector<Task> reused;  // a training loop allocates nothing here
  // A reference, captured below: inside the lambda, the name `reused` would mean
  // the worker thread's own (empty) thread_local vector.
  std::vector<Task>& tasks = reused;
  tasks.clear();
  for (size_t t = 0; t < count; t++)
    for (size_t lo = 0; lo < tensors[t].n; lo += kChunk) tasks.push_back({t, lo, std::min(kChunk, tensors[t].n - lo)});
  parallel_for(int64_t(tasks.size()), [&](int64_t i) {
    const Task& k = tasks[size_t(i)];
    const SgdTensor<T>& s = tensors[k.t];
    sgd_step<T>(k.len, s.param + k.lo, s.grad + k.lo, s.buf ? s.buf + k.lo : nullptr, lr, momentum, dampening,
                weight_decay, nesterov, s.first_step);
  });
}

template void sgd_step<float>(size_t, float*, const float*, float*, float, float, float, float, bool, bool);
template void sgd_step<double>(size_t, double*, const double*, double*, double, double, double, double, bool, bool);
template void sgd_step_many<float>(const SgdTensor<float>*, size_t, float, float, float, float, bool);
template void sgd_step_many<double>(const SgdTensor<double>*, size_t, double, double, double, double, bool);

}  // namespace tl::optim
