#include "kernels/elementwise.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "kernels/elementwise_ref_impl.h"
#include "kernels/strided.h"
#include "runtime/cpu.h"
#include "runtime/thread_pool.h"

namespace tl::elementwise {

template <typename T>
void unary_ref(UnaryOp op, size_t n, const T* x, T* y, T alpha, T beta) {
  unary_impl<T>(op, n, x, y, alpha, beta);
}

template <typename T>
void unary_backward_ref(UnaryOp op, size_t n, const T* x, const T* y, const T* gy, T* gx, T alpha, T beta) {
  unary_backward_impl<T>(op, n, x, y, gy, gx, alpha, beta);
}

// ---------------------------------------------------------------- dispatch
namespace {

// Elements per task: large enough that a task outweighs handing it out, small
// enough that two threads share a 1M-element activation evenly.
constexpr size_t kChunk = size_t(1) << 15;

template <typename F>
void chunked(size_t n, F f) {
  const int64_t tasks = int64_t((n + kChunk - 1) / kChunk);
  parallel_for(tasks > 0 ? tasks : 1, [&](int64_t t) {
    const size_t lo = size_t(t) * kChunk;
    f(lo, std::min(n, lo + kChunk) - lo);
  });
}

bool unary_simd(UnaryOp op, size_t n, const float* x, float* y) {
  const Isa isa = active_isa();
  if (isa >= Isa::Avx512) return unary_f32_avx512(op, n, x, y);
  if (isa >= Isa::Avx2) return unary_f32_avx2(op, n, x, y);
  return false;
}

}  // namespace

// The reference formulas in the active ISA's build (same bits, wider vectors).
template <typename T>
bool unary_generic(UnaryOp op, size_t n, const T* x, T* y, T a, T b) {
  const Isa isa = active_isa();
  if (isa >= Isa::Avx512) return unary_generic_avx512(op, n, x, y, a, b);
  if (isa >= Isa::Avx2) return unary_generic_avx2(op, n, x, y, a, b);
  return false;
}
template <typename T>
bool unary_backward_generic(UnaryOp op, size_t n, const T* x, const T* y, const T* gy, T* gx, T a, T b) {
  const Isa isa = active_isa();
  if (isa >= Isa::Avx512) return unary_backward_generic_avx512(op, n, x, y, gy, gx, a, b);
  if (isa >= Isa::Avx2) return unary_backward_generic_avx2(op, n, x, y, gy, gx, a, b);
  return false;
}

template <typename T>
void unary(UnaryOp op, size_t n, const T* x, T* y, T alpha, T beta) {
  chunked(n, [&](size_t lo, size_t len) {
    if constexpr (std::is_same_v<T, float>)
      if (unary_simd(op, len, x + lo, y + lo)) return;
    if (unary_generic<T>(op, len, x + lo, y + lo, alpha, beta)) return;
    unary_ref<T>(op, len, x + lo, y + lo, alpha, beta);
  });
}

template <typename T>
void unary_backward(UnaryOp op, size_t n, const T* x, const T* y, const T* gy, T* gx, T alpha, T beta) {
  chunked(n, [&](size_t lo, size_t len) {
    if (unary_backward_generic<T>(op, len, x + lo, y + lo, gy + lo, gx + lo, alpha, beta)) return;
    unary_backward_ref<T>(op, len, x + lo, y + lo, gy + lo, gx + lo, alpha, beta);
  });
}

// ---------------------------------------------------------------- binary

namespace {

// One row: out[i] = f(a[i*sa], b[i*sb]). The three fast paths give the
// compiler unit-stride or broadcast-scalar loops it can vectorise.
template <typename T, typename F>
inline void row2(int64_t n, const T* __restrict a, int64_t sa, const T* __restrict b, int64_t sb, T* __restrict o,
                 F f) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const T bv = b[0];
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const T av = a[0];
    for (int64_t i = 0; i < n; i++) o[i] = f(av, b[i]);
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i * sa], b[i * sb]);
  }
}

template <typename T, typename F>
void run_binary(const StridedLoop<3>& loop, const T* a, const T* b, T* out, F f) {
  const int64_t sa = loop.strides[0][loop.ndim - 1], sb = loop.strides[1][loop.ndim - 1];
  for_each_row(loop, [&](const int64_t* off, int64_t n) { row2(n, a + off[0], sa, b + off[1], sb, out + off[2], f); });
}

// Wrapping int32 arithmetic (signed overflow would be undefined behaviour).
inline int32_t wrap(uint32_t v) { return static_cast<int32_t>(v); }

}  // namespace

template <typename T>
void binary(BinaryOp op, int ndim, const int64_t* shape, const T* a, const int64_t* as, const T* b,
            const int64_t* bs, T* out) {
  int64_t os[kMaxStridedDims];
  contiguous_strides(ndim, shape, os);
  const int64_t* st[3] = {as, bs, os};
  StridedLoop<3> loop;
  if (!make_strided_loop<3>(ndim, shape, st, &loop)) return;
  constexpr bool kInt = std::is_integral_v<T>;
  using U = uint32_t;
  switch (op) {
    case BinaryOp::Add:
      if constexpr (kInt) return run_binary(loop, a, b, out, [](T x, T y) { return wrap(U(x) + U(y)); });
      else return run_binary(loop, a, b, out, [](T x, T y) { return x + y; });
    case BinaryOp::Sub:
      if constexpr (kInt) return run_binary(loop, a, b, out, [](T x, T y) { return wrap(U(x) - U(y)); });
      else return run_binary(loop, a, b, out, [](T x, T y) { return x - y; });
    case BinaryOp::Mul:
      if constexpr (kInt) return run_binary(loop, a, b, out, [](T x, T y) { return wrap(U(x) * U(y)); });
      else return run_binary(loop, a, b, out, [](T x, T y) { return x * y; });
    case BinaryOp::Div:
      if constexpr (kInt)
        return run_binary(loop, a, b, out, [](T x, T y) {
          if (y == -1) return wrap(U(0) - U(x));  // INT32_MIN / -1 would trap
          return y == 0 ? T(0) : T(x / y);       // y == 0 never happens (binding) but must not trap
        });
      else return run_binary(loop, a, b, out, [](T x, T y) { return x / y; });
    case BinaryOp::Pow:
      if constexpr (!kInt) return run_binary(loop, a, b, out, [](T x, T y) { return std::pow(x, y); });
      return;
    case BinaryOp::Maximum:
      // x != x picks a NaN in x; a NaN in y falls to the ": y" side.
      return run_binary(loop, a, b, out, [](T x, T y) { return (x > y || x != x) ? x : y; });
    case BinaryOp::Minimum:
      return run_binary(loop, a, b, out, [](T x, T y) { return (x < y || x != x) ? x : y; });
    case BinaryOp::Eq: return run_binary(loop, a, b, out, [](T x, T y) { return T(x == y ? 1 : 0); });
    case BinaryOp::Ne: return run_binary(loop, a, b, out, [](T x, T y) { return T(x != y ? 1 : 0); });
    case BinaryOp::Lt: return run_binary(loop, a, b, out, [](T x, T y) { return T(x < y ? 1 : 0); });
    case BinaryOp::Le: return run_binary(loop, a, b, out, [](T x, T y) { return T(x <= y ? 1 : 0); });
    case BinaryOp::Gt: return run_binary(loop, a, b, out, [](T x, T y) { return T(x > y ? 1 : 0); });
    case BinaryOp::Ge: return run_binary(loop, a, b, out, [](T x, T y) { return T(x >= y ? 1 : 0); });
    case BinaryOp::Count: return;
  }
}

bool any_zero(int ndim, const int64_t* shape, const int32_t* b, const int64_t* bs) {
  const int64_t* st[1] = {bs};
  StridedLoop<1> loop;
  if (!make_strided_loop<1>(ndim, shape, st, &loop)) return false;
  const int64_t s = loop.strides[0][loop.ndim - 1];
  bool found = false;
  for_each_row(loop, [&](const int64_t* off, int64_t n) {
    const int32_t* p = b + off[0];
    for (int64_t i = 0; i < n; i++) found |= p[i * s] == 0;
  });
  return found;
}

template void unary_ref<float>(UnaryOp, size_t, const float*, float*, float, float);
template void unary_ref<double>(UnaryOp, size_t, const double*, double*, double, double);
template void unary_backward_ref<float>(UnaryOp, size_t, const float*, const float*, const float*, float*, float,
                                        float);
template void unary_backward_ref<double>(UnaryOp, size_t, const double*, const double*, const double*, double*,
                                         double, double);
template void unary<float>(UnaryOp, size_t, const float*, float*, float, float);
template void unary<double>(UnaryOp, size_t, const double*, double*, double, double);
template void unary_backward<float>(UnaryOp, size_t, const float*, const float*, const float*, float*, float, float);
template void unary_backward<double>(UnaryOp, size_t, const double*, const double*, const double*, double*, double,
                                     double);
template void binary<float>(BinaryOp, int, const int64_t*, const float*, const int64_t*, const float*,
                            const int64_t*, float*);
template void binary<double>(BinaryOp, int, const int64_t*, const double*, const int64_t*, const double*,
                             const int64_t*, double*);
template void binary<int32_t>(BinaryOp, int, const int64_t*, const int32_t*, const int64_t*, const int32_t*,
                              const int64_t*, int32_t*);

}  // namespace tl::elementwise
