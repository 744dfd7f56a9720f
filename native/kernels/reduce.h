// Reduce family: reductions over the middle axis of an (outer, n, inner) view.
//
// reduce<T>(op, outer, n, inner, x, out):
//   x is contiguous (outer, n, inner); out has outer*inner elements:
//     out[o*inner + j] = reduce_{k<n} x[(o*n + k)*inner + j]
//   Sum, Mean and Prod accumulate in double. Max/Min propagate NaN (any NaN
//   in the slice gives NaN). n == 0: Sum 0, Prod 1, Mean NaN, Max/Min NaN
//   (the binding rejects that case, as PyTorch does).
//   inner == 1 reduces contiguous rows with 8 independent double accumulators
//   for Sum/Mean/Prod (so the compiler can vectorise without reassociating one
//   sum) and 32 running lanes for Max/Min; inner > 1 walks k
//   in the outer loop and accumulates blocks of up to 256 columns in a stack
//   buffer, so the innermost loop is unit-stride.
// arg_reduce<T>(is_max, outer, n, inner, x, values, indices):
//   same view; indices[o*inner + j] = the first k reaching the max (min) of the
//   slice, and values[...] that value when values != nullptr. A NaN counts as
//   larger (smaller) than everything: the first NaN wins (PyTorch). n >= 1.
// out, values and indices must not overlap x (nor values indices). No alignment assumed; kernels
// never allocate or throw.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tl::reduce {

enum class ReduceOp : int32_t { Sum = 0, Mean, Max, Min, Prod, Count };

template <typename T>
void reduce(ReduceOp op, int64_t outer, int64_t n, int64_t inner, const T* x, T* out);

template <typename T>
void arg_reduce(bool is_max, int64_t outer, int64_t n, int64_t inner, const T* x, T* values, int32_t* indices);

}  // namespace tl::reduce
