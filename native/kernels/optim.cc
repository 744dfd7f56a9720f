#include "kernels/optim.h"

namespace tl::optim {

template <typename T>
void sgd_step(size_t n, T* __restrict param, const T* __restrict grad, T* __restrict buf, T lr, T momentum,
              T dampening, T weight_decay, bool nesterov, bool first_step) {
  if (momentum == T(0)) {
    // The common plain-SGD case gets its own loop (no buffer traffic).
    for (size_t i = 0; i < n; i++) param[i] -= lr * (grad[i] + weight_decay * param[i]);
    return;
  }
  const T keep = T(1) - dampening;
  if (first_step) {
    for (size_t i = 0; i < n; i++) {
      const T g = grad[i] + weight_decay * param[i];
      buf[i] = g;  // PyTorch clones the first gradient into the buffer, undamped
      param[i] -= lr * (nesterov ? g + momentum * g : g);
    }
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const T g = grad[i] + weight_decay * param[i];
    const T b = momentum * buf[i] + keep * g;
    buf[i] = b;
    param[i] -= lr * (nesterov ? g + momentum * b : b);
  }
}

template void sgd_step<float>(size_t, float*, const float*, float*, float, float, float, float, bool, bool);
template void sgd_step<double>(size_t, double*, const double*, double*, double, double, double, double, bool, bool);

}  // namespace tl::optim
