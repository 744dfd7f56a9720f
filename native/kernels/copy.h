// Copy family: strided gather into a contiguous buffer (with dtype cast), and fill.
//
// strided_copy<TD, TS>(ndim, shape, src, strides, dst):
//   dst[i] = cast<TD>(src[sum_d idx_d(i) * strides[d]]) for i < prod(shape), idx(i)
//   walking `shape` in row-major order. `src` already points at the view's
//   offset. dst is contiguous and must not overlap src. Strides >= 0; the
//   binding has checked every reachable element is in bounds.
//   Cast float -> int32 truncates toward zero (PyTorch); NaN gives 0 and
//   values outside int32 saturate, so the cast is never undefined behaviour.
//   ndim <= kMaxStridedDims; ndim == 0 copies one element.
// fill<T>(n, dst, value): dst[i] = value, i < n.
// No alignment assumed; kernels never allocate or throw.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace tl {
namespace copy {

template <typename TD, typename TS>
inline TD cast(TS v) {
  if constexpr (std::is_integral_v<TD> && std::is_floating_point_v<TS>) {
    if (!(v == v)) return 0;
    if (v >= static_cast<TS>(2147483647.0)) return 2147483647;
    if (v <= static_cast<TS>(-2147483648.0)) return -2147483647 - 1;
    return static_cast<TD>(v);
  } else {
    return static_cast<TD>(v);
  }
}

template <typename TD, typename TS>
void strided_copy(int ndim, const int64_t* shape, const TS* src, const int64_t* strides, TD* dst);

template <typename T>
void fill(size_t n, T* dst, T value);

}  // namespace copy
}  // namespace tl
