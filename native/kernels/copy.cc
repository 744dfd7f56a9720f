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

// A transposed pair of dims (src unit-stride along rows, strided along
// columns): copy in kTile x kTile tiles so each source cache line is used for
// kTile consecutive writes instead of one.
constexpr int64_t kTile = 32;

template <typename TD, typename TS>
void transpose_2d(int64_t rows, int64_t cols, const TS* __restrict s, int64_t scol, TD* __restrict d) {
  for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
    const int64_t r1 = r0 + kTile < rows ? r0 + kTile : rows;
    for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
      const int64_t c1 = c0 + kTile < cols ? c0 + kTile : cols;
      for (int64_t r = r0; r < r1; r++)
        for (int64_t c = c0; c < c1; c++) d[r * cols + c] = cast<TD>(s[r + c * scol]);
    }
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
  const int nd = loop.ndim;
  const int64_t ss = loop.strides[0][nd - 1];
  if (nd >= 2 && ss > 1 && loop.strides[0][nd - 2] == 1 && loop.shape[nd - 1] >= 4 && loop.shape[nd - 2] >= 4) {
    // Walk the dims before the transposed pair; the pair itself goes by tiles.
    StridedLoop<2> outer = loop;
    outer.shape[nd - 2] = 1;  // the pair collapses to one dummy innermost dim
    outer.ndim = nd - 1;
    const int64_t rows = loop.shape[nd - 2], cols = loop.shape[nd - 1];
    for_each_row(outer, [&](const int64_t* off, int64_t) { transpose_2d(rows, cols, src + off[0], ss, dst + off[1]); });
    return;
  }
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
