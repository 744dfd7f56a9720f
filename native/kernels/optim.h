// Optimizer family: fused per-parameter update steps.
//
// sgd_step<T>(n, param, grad, buf, lr, momentum, dampening, weight_decay, nesterov, first_step):
//   PyTorch's torch.optim.SGD rule, elementwise over i < n, in place:
//     g = grad + weight_decay * param
//     if momentum != 0: buf = first_step ? g : momentum * buf + (1 - dampening) * g
//                       g = nesterov ? g + momentum * buf : buf
//     param -= lr * g
//   buf is only touched (and may be null) when momentum == 0. grad is read-only.
//   Hyperparameters are rounded to T first, as PyTorch's float kernels do.
//   param, grad and buf must not overlap. No alignment assumed; never allocates or throws.
#pragma once
#include <cstddef>

namespace tl::optim {

template <typename T>
void sgd_step(size_t n, T* param, const T* grad, T* buf, T lr, T momentum, T dampening, T weight_decay, bool nesterov,
              bool first_step);

}  // namespace tl::optim
