#include "kernels/index.h"

#include <cstring>
#include <type_traits>

namespace tl {

namespace {

template <typename TD, typename TS>
inline TD cast_to(TS v) {
  if constexpr (std::is_integral_v<TD> && std::is_floating_point_v<TS>) {
    // Truncate toward zero like PyTorch; NaN and out-of-range become 0 / the
    // clamp ends instead of undefined behaviour.
    if (!(v == v)) return 0;
    if (v >= static_cast<TS>(2147483647.0)) return 2147483647;
    if (v <= static_cast<TS>(-2147483648.0)) return -2147483647 - 1;
    return static_cast<TD>(v);
  } else {
    return static_cast<TD>(v);
  }
}

}  // namespace

template <typename TD, typename TS>
void assign_strided(int ndim, const int64_t* shape, const TS* src, const int64_t* ss, TD* dst, const int64_t* ds) {
  for (int d = 0; d < ndim; d++)
    if (shape[d] == 0) return;
  if (ndim == 0) {
    *dst = cast_to<TD>(*src);
    return;
  }
  // Walk every dim but the last with an odometer; the last is the tight loop.
  int64_t idx[32] = {0};
  const int64_t n = shape[ndim - 1], sl = ss[ndim - 1], dl = ds[ndim - 1];
  for (;;) {
    if (sl == 1 && dl == 1) {
      if constexpr (std::is_same_v<TD, TS>) {
        std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(TD));
      } else {
        for (int64_t k = 0; k < n; k++) dst[k] = cast_to<TD>(src[k]);
      }
    } else {
      for (int64_t k = 0; k < n; k++) dst[k * dl] = cast_to<TD>(src[k * sl]);
    }
    int d = ndim - 2;
    for (; d >= 0; d--) {
      src += ss[d];
      dst += ds[d];
      if (++idx[d] < shape[d]) break;
      src -= ss[d] * shape[d];
      dst -= ds[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

template <typename T>
void index_select(const T* x, int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, T* out) {
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < m; j++)
      std::memcpy(out + (o * m + j) * inner, x + (o * n + idx[j]) * inner, static_cast<size_t>(inner) * sizeof(T));
}

template <typename T>
void index_add(T* acc, int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, const T* src) {
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < m; j++) {
      T* a = acc + (o * n + idx[j]) * inner;
      const T* s = src + (o * m + j) * inner;
      for (int64_t k = 0; k < inner; k++) a[k] += s[k];
    }
}

#define TL_ASSIGN(TD, TS) \
  template void assign_strided<TD, TS>(int, const int64_t*, const TS*, const int64_t*, TD*, const int64_t*);
TL_ASSIGN(float, float)
TL_ASSIGN(float, double)
TL_ASSIGN(float, int32_t)
TL_ASSIGN(double, float)
TL_ASSIGN(double, double)
TL_ASSIGN(double, int32_t)
TL_ASSIGN(int32_t, float)
TL_ASSIGN(int32_t, double)
TL_ASSIGN(int32_t, int32_t)
#undef TL_ASSIGN

#define TL_INDEX(T)                                                                                     \
  template void index_select<T>(const T*, int64_t, int64_t, int64_t, const int32_t*, int64_t, T*);     \
  template void index_add<T>(T*, int64_t, int64_t, int64_t, const int32_t*, int64_t, const T*);
TL_INDEX(float)
TL_INDEX(double)
TL_INDEX(int32_t)
#undef TL_INDEX

}  // namespace tl
