// Walking strided N-d views: shared by copy (stridedCopy) and elementwise (binary).
//
// A StridedLoop describes K operands over one shape. make_strided_loop drops
// dims of size 1 and merges dims d-1 and d whenever every operand has
// strides[d-1] == strides[d] * shape[d] (the pair is one contiguous run for all
// of them), so a contiguous tensor becomes a single row and a broadcast add of
// a bias over (N, C) becomes N rows of C. The innermost remaining dim is the
// tight loop; the outer ones are walked with an odometer that only adds and
// subtracts strides. Strides are element counts, >= 0 (the binding checks
// every reachable element is in bounds). Header-only; never allocates.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tl {

constexpr int kMaxStridedDims = 16;

template <int K>
struct StridedLoop {
  int ndim = 1;                                   // >= 1 after make_strided_loop
  int64_t shape[kMaxStridedDims] = {1};
  int64_t strides[K][kMaxStridedDims] = {};
};

// Returns false when the shape has a zero dim (nothing to do). ndim <= kMaxStridedDims.
template <int K>
inline bool make_strided_loop(int ndim, const int64_t* shape, const int64_t* const* strides, StridedLoop<K>* out) {
  for (int d = 0; d < ndim; d++)
    if (shape[d] == 0) return false;
  int nd = 0;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] == 1) continue;  // a size-1 dim's stride is never used
    if (nd > 0) {
      bool merge = true;
      for (int k = 0; k < K; k++)
        if (out->strides[k][nd - 1] != strides[k][d] * shape[d]) merge = false;
      if (merge) {
        out->shape[nd - 1] *= shape[d];
        for (int k = 0; k < K; k++) out->strides[k][nd - 1] = strides[k][d];
        continue;
      }
    }
    out->shape[nd] = shape[d];
    for (int k = 0; k < K; k++) out->strides[k][nd] = strides[k][d];
    nd++;
  }
  if (nd == 0) {  // a single element (0-d or all dims 1)
    out->shape[0] = 1;
    for (int k = 0; k < K; k++) out->strides[k][0] = 0;
    nd = 1;
  }
  out->ndim = nd;
  return true;
}

// Calls row(off, n) for every row of the innermost dim, where off[k] is the
// element offset of operand k at the row's start and n its length; the inner
// strides are loop.strides[k][loop.ndim - 1].
template <int K, typename Row>
inline void for_each_row(const StridedLoop<K>& loop, Row&& row) {
  const int nd = loop.ndim;
  const int64_t n = loop.shape[nd - 1];
  int64_t idx[kMaxStridedDims] = {0};
  int64_t off[K] = {0};
  for (;;) {
    row(static_cast<const int64_t*>(off), n);
    int d = nd - 2;
    for (; d >= 0; d--) {
      for (int k = 0; k < K; k++) off[k] += loop.strides[k][d];
      if (++idx[d] < loop.shape[d]) break;
      for (int k = 0; k < K; k++) off[k] -= loop.strides[k][d] * loop.shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

// Row-major contiguous strides of `shape`.
inline void contiguous_strides(int ndim, const int64_t* shape, int64_t* strides) {
  int64_t s = 1;
  for (int d = ndim - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
}

}  // namespace tl
