// Optimizer family: fused per-parameter update steps.
//
// sgd_step<T>(n, param, grad, buf, lr, momentum, dampening, weight_decay, nesterov, first_step):
//   PyTorch's torch.optim.SGD rule, elementwise over i < n, in place:
//     g = grad + weight_decay * param           (skipped when weight_decay == 0)
//     if momentum != 0: buf = first_step ? g : momentum * buf + (1 - dampening) * g
//                       g = nesterov ? g + momentum * buf : buf
//     param -= lr * g
//   buf is only touched (and may be null) when momentum == 0. grad is read-only.
//   Hyperparameters are rounded to T first, as PyTorch's float kernels do.
//   param, grad and buf must not overlap. No alignment assumed; never allocates or throws.
// sgd_step_many<T>(tensors, count, ...): the same update for several parameters
//   at once (one native call per optimizer step). The elements are cut into
//   fixed-size chunks run by the thread pool: each element's arithmetic is the
//   same as sgd_step's, whatever the thread count.
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

}  // namespace tl::optim
