// The scalar formulas of every unary op and its derivative, written once and
// compiled three times: in elementwise.cc (the reference, x86-64 baseline) and
// in elementwise.<isa>.cc, where the same loops vectorise with that
// instruction set's width. Floating-point contraction is off, so every build
// rounds each operation the same way: the SIMD builds give the reference's
// bits. Internal linkage: no build's copy can be picked for another's.
#pragma once
#include <cmath>
#include <cstddef>

#include "kernels/elementwise.h"

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif

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


template <typename T>
void unary_impl(UnaryOp op, size_t n, const T* x, T* y, T alpha, T beta) {
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
void unary_backward_impl(UnaryOp op, size_t n, const T* x, const T* y, const T* gy, T* gx, T alpha, T beta) {
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

}  // namespace
}  // namespace tl::elementwise

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

// The unary_generic_<isa> / unary_backward_generic_<isa> entry points of
// elementwise.h, defined in elementwise.<isa>.cc (inside namespace
// tl::elementwise) from the formulas above.
#define TL_DEFINE_UNARY_GENERIC(isa)                                                                            \
  bool unary_generic_##isa(UnaryOp op, size_t n, const float* x, float* y, float a, float b) {                  \
    unary_impl<float>(op, n, x, y, a, b);                                                                       \
    return true;                                                                                               \
  }                                                                                                            \
  bool unary_generic_##isa(UnaryOp op, size_t n, const double* x, double* y, double a, double b) {              \
    unary_impl<double>(op, n, x, y, a, b);                                                                      \
    return true;                                                                                               \
  }                                                                                                            \
  bool unary_backward_generic_##isa(UnaryOp op, size_t n, const float* x, const float* y, const float* gy,     \
                                    float* gx, float a, float b) {                                             \
    unary_backward_impl<float>(op, n, x, y, gy, gx, a, b);                                                      \
    return true;                                                                                               \
  }                                                                                                            \
  bool unary_backward_generic_##isa(UnaryOp op, size_t n, const double* x, const double* y, const double* gy,  \
                                    double* gx, double a, double b) {                                          \
    unary_backward_impl<double>(op, n, x, y, gy, gx, a, b);                                                     \
    return true;                                                                                               \
  }
