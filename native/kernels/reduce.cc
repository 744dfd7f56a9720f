#include "kernels/reduce.h"

#include <cmath>
#include <limits>

namespace tl::reduce {

namespace {

constexpr int64_t kLanes = 8;     // independent accumulators of a contiguous row
constexpr int64_t kBlock = 256;   // columns accumulated at once when inner > 1

// Functors, not function pointers, so each instantiation inlines its compare.
struct PickMax {
  template <typename T>
  T operator()(T m, T v) const { return ((v > m) | (v != v)) ? v : m; }  // NaN sticks; | keeps it branch-free
};
struct PickMin {
  template <typename T>
  T operator()(T m, T v) const { return ((v < m) | (v != v)) ? v : m; }
};

template <typename T>
double sum_row(int64_t n, const T* __restrict x) {
  double acc[kLanes] = {0};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t l = 0; l < kLanes; l++) acc[l] += static_cast<double>(x[i + l]);
  double s = 0;
  for (; i < n; i++) s += static_cast<double>(x[i]);
  for (int64_t l = 0; l < kLanes; l++) s += acc[l];
  return s;
}

template <typename T>
double prod_row(int64_t n, const T* __restrict x) {
  double acc[kLanes] = {1, 1, 1, 1, 1, 1, 1, 1};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t l = 0; l < kLanes; l++) acc[l] *= static_cast<double>(x[i + l]);
  double p = 1;
  for (; i < n; i++) p *= static_cast<double>(x[i]);
  for (int64_t l = 0; l < kLanes; l++) p *= acc[l];
  return p;
}

// Max/min of a row: 32 running lanes (an inner loop long enough for the loop
// vectoriser, unlike 8), folded at the end. max/min are exact, so the lane
// order cannot change the result (a NaN anywhere still wins).
template <typename T, typename Pick>
T extreme_row(int64_t n, const T* __restrict x, Pick pick) {
  constexpr int64_t W = 32;
  if (n < W) {
    T m = x[0];
    for (int64_t i = 1; i < n; i++) m = pick(m, x[i]);
    return m;
  }
  T acc[W];
  for (int64_t l = 0; l < W; l++) acc[l] = x[l];
  int64_t i = W;
  for (; i + W <= n; i += W)
    for (int64_t l = 0; l < W; l++) acc[l] = pick(acc[l], x[i + l]);
  T m = acc[0];
  for (int64_t l = 1; l < W; l++) m = pick(m, acc[l]);
  for (; i < n; i++) m = pick(m, x[i]);
  return m;
}

// inner > 1, one block of w <= kBlock columns starting at x (column 0 of the
// block, k = 0); rows are `inner` apart.
template <typename T>
void sum_cols(int64_t n, int64_t inner, int64_t w, const T* __restrict x, T* __restrict out, bool mean, bool prod) {
  double acc[kBlock];
  const double init = prod ? 1.0 : 0.0;
  for (int64_t j = 0; j < w; j++) acc[j] = init;
  for (int64_t k = 0; k < n; k++) {
    const T* __restrict r = x + k * inner;
    if (prod)
      for (int64_t j = 0; j < w; j++) acc[j] *= static_cast<double>(r[j]);
    else
      for (int64_t j = 0; j < w; j++) acc[j] += static_cast<double>(r[j]);
  }
  const double scale = mean ? 1.0 / static_cast<double>(n) : 1.0;
  if (mean && n == 0)
    for (int64_t j = 0; j < w; j++) out[j] = std::numeric_limits<T>::quiet_NaN();
  else if (mean)
    for (int64_t j = 0; j < w; j++) out[j] = static_cast<T>(acc[j] * scale);
  else
    for (int64_t j = 0; j < w; j++) out[j] = static_cast<T>(acc[j]);
}

template <typename T, typename Pick>
void extreme_cols(int64_t n, int64_t inner, int64_t w, const T* __restrict x, T* __restrict out, Pick pick) {
  for (int64_t j = 0; j < w; j++) out[j] = x[j];
  for (int64_t k = 1; k < n; k++) {
    const T* __restrict r = x + k * inner;
    for (int64_t j = 0; j < w; j++) out[j] = pick(out[j], r[j]);
  }
}

template <typename T>
void reduce_rows(ReduceOp op, int64_t outer, int64_t n, const T* x, T* out) {
  for (int64_t o = 0; o < outer; o++) {
    const T* r = x + o * n;
    switch (op) {
      case ReduceOp::Sum: out[o] = static_cast<T>(sum_row(n, r)); break;
      case ReduceOp::Mean: out[o] = static_cast<T>(sum_row(n, r) / static_cast<double>(n)); break;
      case ReduceOp::Prod: out[o] = static_cast<T>(prod_row(n, r)); break;
      case ReduceOp::Max: out[o] = extreme_row(n, r, PickMax()); break;
      case ReduceOp::Min: out[o] = extreme_row(n, r, PickMin()); break;
      case ReduceOp::Count: break;
    }
  }
}

}  // namespace

template <typename T>
void reduce(ReduceOp op, int64_t outer, int64_t n, int64_t inner, const T* x, T* out) {
  if (outer == 0 || inner == 0) return;
  if (n == 0) {
    const T v = op == ReduceOp::Sum ? T(0) : op == ReduceOp::Prod ? T(1) : std::numeric_limits<T>::quiet_NaN();
    for (int64_t i = 0; i < outer * inner; i++) out[i] = v;
    return;
  }
  if (inner == 1) return reduce_rows(op, outer, n, x, out);
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j0 = 0; j0 < inner; j0 += kBlock) {
      const int64_t w = inner - j0 < kBlock ? inner - j0 : kBlock;
      const T* xs = x + o * n * inner + j0;
      T* os = out + o * inner + j0;
      switch (op) {
        case ReduceOp::Sum: sum_cols(n, inner, w, xs, os, false, false); break;
        case ReduceOp::Mean: sum_cols(n, inner, w, xs, os, true, false); break;
        case ReduceOp::Prod: sum_cols(n, inner, w, xs, os, false, true); break;
        case ReduceOp::Max: extreme_cols(n, inner, w, xs, os, PickMax()); break;
        case ReduceOp::Min: extreme_cols(n, inner, w, xs, os, PickMin()); break;
        case ReduceOp::Count: break;
      }
    }
}

namespace {

// v beats the current best b: strictly better, or the first NaN.
template <bool kMax, typename T>
inline bool beats(T v, T b) {
  return (kMax ? v > b : v < b) || (v != v && b == b);
}

template <bool kMax, typename T>
void arg_rows(int64_t outer, int64_t n, const T* x, T* values, int32_t* indices) {
  for (int64_t o = 0; o < outer; o++) {
    const T* r = x + o * n;
    T best = r[0];
    int32_t bi = 0;
    for (int64_t k = 1; k < n && best == best; k++)  // stop at the first NaN
      if (beats<kMax>(r[k], best)) {
        best = r[k];
        bi = static_cast<int32_t>(k);
      }
    indices[o] = bi;
    if (values) values[o] = best;
  }
}

template <bool kMax, typename T>
void arg_cols(int64_t outer, int64_t n, int64_t inner, const T* x, T* values, int32_t* indices) {
  T best[kBlock];
  int32_t idx[kBlock];
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j0 = 0; j0 < inner; j0 += kBlock) {
      const int64_t w = inner - j0 < kBlock ? inner - j0 : kBlock;
      const T* xs = x + o * n * inner + j0;
      for (int64_t j = 0; j < w; j++) {
        best[j] = xs[j];
        idx[j] = 0;
      }
      for (int64_t k = 1; k < n; k++) {
        const T* __restrict r = xs + k * inner;
        const int32_t kk = static_cast<int32_t>(k);
        for (int64_t j = 0; j < w; j++) {
          const bool take = beats<kMax>(r[j], best[j]);
          best[j] = take ? r[j] : best[j];
          idx[j] = take ? kk : idx[j];
        }
      }
      for (int64_t j = 0; j < w; j++) indices[o * inner + j0 + j] = idx[j];
      if (values)
        for (int64_t j = 0; j < w; j++) values[o * inner + j0 + j] = best[j];
    }
}

}  // namespace

template <typename T>
void arg_reduce(bool is_max, int64_t outer, int64_t n, int64_t inner, const T* x, T* values, int32_t* indices) {
  if (outer == 0 || inner == 0 || n == 0) return;
  if (inner == 1) {
    if (is_max) arg_rows<true>(outer, n, x, values, indices);
    else arg_rows<false>(outer, n, x, values, indices);
  } else {
    if (is_max) arg_cols<true>(outer, n, inner, x, values, indices);
    else arg_cols<false>(outer, n, inner, x, values, indices);
  }
}

template void reduce<float>(ReduceOp, int64_t, int64_t, int64_t, const float*, float*);
template void reduce<double>(ReduceOp, int64_t, int64_t, int64_t, const double*, double*);
template void arg_reduce<float>(bool, int64_t, int64_t, int64_t, const float*, float*, int32_t*);
template void arg_reduce<double>(bool, int64_t, int64_t, int64_t, const double*, double*, int32_t*);

}  // namespace tl::reduce
