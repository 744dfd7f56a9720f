#include "kernels/copy.h"

#include <cstring>

#include "kernels/strided.h"

namespace tl {
namespace copy {

namespace {

// One row of the gather: the inner stride decides the loop (memcpy, cast run,
// broadcast, gather).
template <typename TD, typename TS>
inline void copy_row(int64_t n, const TS* __restrict s, int64_t ss, TD* __restrict d) {
  if (ss == 1) {
    if constexpr (std::is_same_v<TD, TS>) {
      std::memcpy(d, s, static_cast<size_t>(n) * sizeof(TD));
    } else {
      for (int64_t i = 0; i < n; i++) d[i] = cast<TD>(s[i]);
    }
  } else if (ss == 0) {
    const TD v = cast<TD>(s[0]);
    for (int64_t i = 0; i < n; i++) d[i] = v;
  } else {
    for (int64_t i = 0; i < n; i++) d[i] = cast<TD>(s[i * ss]);
  }
}

}  // namespace

template <typename TD, typename TS>
void strided_copy(int ndim, const int64_t* shape, const TS* src, const int64_t* strides, TD* dst) {
  int64_t dstrides[kMaxStridedDims];
  contiguous_strides(ndim, shape, dstrides);
  const int64_t* st[2] = {strides, dstrides};
  StridedLoop<2> loop;
  if (!make_strided_loop<2>(ndim, shape, st, &loop)) return;
  const int64_t ss = loop.strides[0][loop.ndim - 1];
  for_each_row(loop, [&](const int64_t* off, int64_t n) { copy_row(n, src + off[0], ss, dst + off[1]); });
}

template <typename T>
void fill(size_t n, T* dst, T value) {
  for (size_t i = 0; i < n; i++) dst[i] = value;
}

#define TL_COPY(TD, TS) template void strided_copy<TD, TS>(int, const int64_t*, const TS*, const int64_t*, TD*);
TL_COPY(float, float)
TL_COPY(float, double)
TL_COPY(float, int32_t)
TL_COPY(double, float)
TL_COPY(double, double)
TL_COPY(double, int32_t)
TL_COPY(int32_t, float)
TL_COPY(int32_t, double)
TL_COPY(int32_t, int32_t)
#undef TL_COPY
template void fill<float>(size_t, float*, float);
template void fill<double>(size_t, double*, double);
template void fill<int32_t>(size_t, int32_t*, int32_t);

}  // namespace copy
}  // namespace tl
