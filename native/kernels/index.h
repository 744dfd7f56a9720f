// Strided assignment and indexing along one axis.
//
// assign_strided: dst[dOff + i.dStrides] = cast(src[sOff + i.sStrides]) for every
//   index i of `shape` (row-major). Any strides >= 0 on both sides; dst and src
//   must not overlap (the binding checks the reachable ranges of dst are
//   disjoint from src when they share memory). Used for copy_, cat, narrow's
//   backward and every write into a view.
// index_select: x viewed as (outer, n, inner), contiguous; for each j < m:
//   out[o, j, :] = x[o, idx[j], :]. out is (outer, m, inner), contiguous.
// index_add:    acc viewed as (outer, n, inner); acc[o, idx[j], :] += src[o, j, :]
//   (repeated indices add up). Indices are checked by the binding.
// out (acc) must not overlap x (src) or idx: the binding rejects it.
// No alignment assumed; kernels never allocate or throw.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tl {

template <typename TD, typename TS>
void assign_strided(int ndim, const int64_t* shape, const TS* src, const int64_t* sstrides, TD* dst,
                    const int64_t* dstrides);

template <typename T>
void index_select(const T* x, int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, T* out);

template <typename T>
void index_add(T* acc, int64_t outer, int64_t n, int64_t inner, const int32_t* idx, int64_t m, const T* src);

}  // namespace tl
