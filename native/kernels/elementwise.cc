#include "kernels/elementwise.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "kernels/strided.h"
#include "runtime/cpu.h"
#include "runtime/thread_pool.h"

namespace tl::elementwise {

namespace {

// ---------------------------------------------------------------- unary

template <typename T, typename F>
inline void map1(size_t n, const T* __restrict x, T* __restrict y, F f) {
  for (size_t i = 0; i < n; i++) y[i] = f(x[i]);
}

// gx = gy * f(x, y): the three inputs are read at the same index, so exact
// aliasing of gx with gy or x is safe even under __restrict.
template <typename T, typename F>
inline void map3(size_t n, const T* __restrict x, const T* __restrict y, const T* __restrict gy, T* __restrict gx,
                 F f) {
  for (size_t i = 0; i < n; i++) gx[i] = f(x[i], y[i], gy[i]);
}

template <typename T>
inline T sign_of(T v) {
  return v > 0 ? T(1) : v < 0 ? T(-1) : v;  // 0 stays 0 and NaN stays NaN
}

template <typename T>
inline T sigmoid(T v) {
  // e^-|x| is in (0, 1]: no overflow, and the two branches agree at 0.
  const T e = std::exp(-std::abs(v));
  const T r = T(1) / (T(1) + e);
  return v >= 0 ? r : e * r;
}

template <typename T>
void pow_scalar(size_t n, const T* x, T* y, T p) {
  if (p == T(2)) return map1(n, x, y, [](T v) { return v * v; });
  if (p == T(3)) return map1(n, x, y, [](T v) { return v * v * v; });
  if (p == T(0.5)) return map1(n, x, y, [](T v) { return std::sqrt(v); });
  if (p == T(-0.5)) return map1(n, x, y, [](T v) { return T(1) / std::sqrt(v); });
  if (p == T(-1)) return map1(n, x, y, [](T v) { return T(1) / v; });
  if (p == T(-2)) return map1(n, x, y, [](T v) { return T(1) / (v * v); });
  map1(n, x, y, [p](T v) { return std::pow(v, p); });
}

}  // namespace

template <typename T>
void unary_ref(UnaryOp op, size_t n, const T* x, T* y, T alpha, T beta) {
  const T a = alpha, b = beta;
  switch (op) {
    case UnaryOp::Neg: return map1(n, x, y, [](T v) { return -v; });
    case UnaryOp::Exp: return map1(n, x, y, [](T v) { return std::exp(v); });
    case UnaryOp::Log: return map1(n, x, y, [](T v) { return std::log(v); });
    case UnaryOp::Abs: return map1(n, x, y, [](T v) { return std::abs(v); });
    case UnaryOp::Sqrt: return map1(n, x, y, [](T v) { return std::sqrt(v); });
    case UnaryOp::Tanh: return map1(n, x, y, [](T v) { return std::tanh(v); });
    case UnaryOp::Sigmoid: return map1(n, x, y, [](T v) { return sigmoid(v); });
    case UnaryOp::Relu: return map1(n, x, y, [](T v) { return v < 0 ? T(0) : v; });  // NaN < 0 is false: NaN stays
    case UnaryOp::Sign: return map1(n, x, y, [](T v) { return sign_of(v); });
    case UnaryOp::PowScalar: return pow_scalar(n, x, y, a);
    case UnaryOp::Clamp:
      return map1(n, x, y, [a, b](T v) {
        const T t = v < a ? a : v;  // comparisons with NaN are false: NaN passes through
        return t > b ? b : t;
      });
    case UnaryOp::AddScalar: return map1(n, x, y, [a](T v) { return v + a; });
    case UnaryOp::MulScalar: return map1(n, x, y, [a](T v) { return v * a; });
    case UnaryOp::RsubScalar: return map1(n, x, y, [a](T v) { return a - v; });
    case UnaryOp::RdivScalar: return map1(n, x, y, [a](T v) { return a / v; });
    case UnaryOp::Square: return map1(n, x, y, [](T v) { return v * v; });
    case UnaryOp::Reciprocal: return map1(n, x, y, [](T v) { return T(1) / v; });
    case UnaryOp::Log1p: return map1(n, x, y, [](T v) { return std::log1p(v); });
    case UnaryOp::Expm1: return map1(n, x, y, [](T v) { return std::expm1(v); });
    case UnaryOp::Sin: return map1(n, x, y, [](T v) { return std::sin(v); });
    case UnaryOp::Cos: return map1(n, x, y, [](T v) { return std::cos(v); });
    case UnaryOp::LeakyRelu: return map1(n, x, y, [a](T v) { return v > 0 ? v : v * a; });
    case UnaryOp::Gelu:
      return map1(n, x, y, [](T v) { return v * T(0.5) * (T(1) + std::erf(v * T(M_SQRT1_2))); });
    case UnaryOp::GeluTanh:
      return map1(n, x, y, [](T v) {
        const T kBeta = T(M_SQRT2 * M_2_SQRTPI * 0.5), kKappa = T(0.044715);
        const T inner = kBeta * (v + kKappa * v * v * v);
        return T(0.5) * v * (T(1) + std::tanh(inner));
      });
    case UnaryOp::Elu: return map1(n, x, y, [a](T v) { return v > 0 ? v : std::expm1(v) * a; });
    case UnaryOp::Softplus:
      return map1(n, x, y, [a, b](T v) { return v * a > b ? v : std::log1p(std::exp(v * a)) / a; });
    case UnaryOp::Count: return;
  }
}

template <typename T>
void unary_backward_ref(UnaryOp op, size_t n, const T* x, const T* y, const T* gy, T* gx, T alpha, T beta) {
  const T a = alpha, b = beta;
  switch (op) {
    case UnaryOp::Neg: return map3(n, x, y, gy, gx, [](T, T, T g) { return -g; });
    case UnaryOp::Exp: return map3(n, x, y, gy, gx, [](T, T o, T g) { return g * o; });
    case UnaryOp::Log: return map3(n, x, y, gy, gx, [](T v, T, T g) { return g / v; });
    case UnaryOp::Abs: return map3(n, x, y, gy, gx, [](T v, T, T g) { return g * sign_of(v); });
    case UnaryOp::Sqrt: return map3(n, x, y, gy, gx, [](T, T o, T g) { return g / (T(2) * o); });
    case UnaryOp::Tanh: return map3(n, x, y, gy, gx, [](T, T o, T g) { return g * (T(1) - o * o); });
    case UnaryOp::Sigmoid: return map3(n, x, y, gy, gx, [](T, T o, T g) { return g * (T(1) - o) * o; });
    case UnaryOp::Relu: return map3(n, x, y, gy, gx, [](T, T o, T g) { return o <= 0 ? T(0) : g; });
    case UnaryOp::Sign: return map3(n, x, y, gy, gx, [](T, T, T) { return T(0); });
    case UnaryOp::PowScalar:
      if (a == T(0)) return map3(n, x, y, gy, gx, [](T, T, T) { return T(0); });
      if (a == T(2)) return map3(n, x, y, gy, gx, [](T v, T, T g) { return g * T(2) * v; });
      return map3(n, x, y, gy, gx, [a](T v, T, T g) { return g * a * std::pow(v, a - T(1)); });
    case UnaryOp::Clamp:
      return map3(n, x, y, gy, gx, [a, b](T v, T, T g) { return (v >= a && v <= b) ? g : T(0); });
    case UnaryOp::AddScalar: return map3(n, x, y, gy, gx, [](T, T, T g) { return g; });
    case UnaryOp::MulScalar: return map3(n, x, y, gy, gx, [a](T, T, T g) { return g * a; });
    case UnaryOp::RsubScalar: return map3(n, x, y, gy, gx, [](T, T, T g) { return -g; });
    case UnaryOp::RdivScalar: return map3(n, x, y, gy, gx, [a](T v, T, T g) { return g * (-a / (v * v)); });
    case UnaryOp::Square: return map3(n, x, y, gy, gx, [](T v, T, T g) { return g * T(2) * v; });
    case UnaryOp::Reciprocal: return map3(n, x, y, gy, gx, [](T, T o, T g) { return -g * o * o; });
    case UnaryOp::Log1p: return map3(n, x, y, gy, gx, [](T v, T, T g) { return g / (T(1) + v); });
    case UnaryOp::Expm1: return map3(n, x, y, gy, gx, [](T, T o, T g) { return g * (o + T(1)); });
    case UnaryOp::Sin: return map3(n, x, y, gy, gx, [](T v, T, T g) { return g * std::cos(v); });
    case UnaryOp::Cos: return map3(n, x, y, gy, gx, [](T v, T, T g) { return -g * std::sin(v); });
    case UnaryOp::LeakyRelu: return map3(n, x, y, gy, gx, [a](T v, T, T g) { return v > 0 ? g : g * a; });
    case UnaryOp::Gelu:
      return map3(n, x, y, gy, gx, [](T v, T, T g) {
        const T kAlpha = T(M_2_SQRTPI * M_SQRT1_2 * 0.5);
        const T cdf = T(0.5) * (T(1) + std::erf(v * T(M_SQRT1_2)));
        const T pdf = kAlpha * std::exp(v * v * T(-0.5));
        return g * (cdf + v * pdf);
      });
    case UnaryOp::GeluTanh:
      return map3(n, x, y, gy, gx, [](T v, T, T g) {
        const T kBeta = T(M_SQRT2 * M_2_SQRTPI * 0.5), kKappa = T(0.044715);
        const T x2 = v * v;
        const T t = std::tanh(kBeta * (v + kKappa * x2 * v));
        const T left = T(0.5) * v, right = T(1) + t;
        const T dleft = T(0.5) * right;
        const T dright = left * (T(1) - t * t) * kBeta * (T(1) + T(3) * kKappa * x2);
        return g * (dleft + dright);
      });
    case UnaryOp::Elu: return map3(n, x, y, gy, gx, [a](T v, T, T g) { return v > 0 ? g : g * a * std::exp(v); });
    case UnaryOp::Softplus:
      return map3(n, x, y, gy, gx, [a, b](T v, T, T g) {
        const T z = std::exp(v * a);
        return v * a > b ? g : g * z / (z + T(1));
      });
    case UnaryOp::Count: return;
  }
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

template <typename T>
void unary(UnaryOp op, size_t n, const T* x, T* y, T alpha, T beta) {
  chunked(n, [&](size_t lo, size_t len) {
    if constexpr (std::is_same_v<T, float>)
      if (unary_simd(op, len, x + lo, y + lo)) return;
    unary_ref<T>(op, len, x + lo, y + lo, alpha, beta);
  });
}

template <typename T>
void unary_backward(UnaryOp op, size_t n, const T* x, const T* y, const T* gy, T* gx, T alpha, T beta) {
  chunked(n, [&](size_t lo, size_t len) {
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
