// Elementwise family: unary ops with their backward, and broadcasting binary ops.
//
// unary<T>(op, n, x, y, alpha, beta): y[i] = op(x[i]; alpha, beta), i < n.
//   Formulas are those of binding.d.ts's UnaryOp (same opcodes). Notes:
//   sigmoid = x >= 0 ? 1/(1+e^-x) : e^x/(1+e^x), computed from e^-|x| so it
//   never overflows; relu, sign, clamp keep NaN (PyTorch); clamp is
//   min(max(x, alpha), beta), so alpha > beta gives beta everywhere (PyTorch).
//   PowScalar computes in T with alpha rounded to T, with the exponents
//   2, 3, 0.5, -0.5, -1, -2 special-cased like PyTorch's pow kernel.
// unary_backward<T>(op, n, x, y, gy, gx, alpha, beta): gx[i] = gy[i] * op'(x[i]),
//   using whichever of x (input) and y (output) the formula needs:
//   neg -1; exp y; log 1/x; abs sign(x) (0 at 0); sqrt 1/(2y) (inf at 0);
//   tanh 1-y^2; sigmoid y(1-y); relu [y > 0] (so 0 at the kink, NaN input
//   passes gy like PyTorch's threshold_backward); sign 0; pow alpha*x^(alpha-1)
//   (0 when alpha == 0); clamp [alpha <= x <= beta]; add 1; mul alpha; rsub -1;
//   rdiv -alpha/x^2; square 2x; reciprocal -y^2; log1p 1/(1+x); expm1 y+1;
//   sin cos x; cos -sin x.
//   Activations (PyTorch 1.13's CPU formulas, computed in T):
//   leakyRelu  x > 0 ? x : alpha*x;              ' x > 0 ? 1 : alpha
//   gelu       x/2 (1 + erf(x/sqrt2));           ' Phi(x) + x phi(x)
//   geluTanh   x/2 (1 + tanh(k (x + 0.044715 x^3))), k = sqrt(2/pi);
//              ' 1/2 (1 + t) + x/2 (1 - t^2) k (1 + 3*0.044715 x^2), t = tanh(...)
//   elu        x > 0 ? x : alpha*expm1(x);       ' x > 0 ? 1 : alpha*e^x
//   softplus   alpha*x > beta ? x : log1p(e^(alpha x))/alpha (alpha = PyTorch's beta,
//              beta = its threshold);           ' alpha*x > beta ? 1 : z/(z+1), z = e^(alpha x)
// binary<T>(op, ndim, shape, a, as, b, bs, out), T = float, double or int32_t:
//   out[lin(i)] = a[i . as] (op) b[i . bs] for every index i of shape; out is
//   contiguous. `a` and `b` already point at their view's offset. Dims are
//   collapsed first, then the innermost one is a tight loop with fast paths
//   for inner strides (1,1), (1,0) and (0,1). Maximum/Minimum propagate NaN;
//   comparisons write 1 or 0. int32: add/sub/mul wrap around, div truncates
//   (INT32_MIN / -1 wraps; the binding rejects a zero divisor), pow is not
//   provided (the binding rejects it).
// Aliasing: y may be x, gx may be x, y or gy (each is read at index i before gx[i]
//   is written), and out may be a or b when that
//   operand is contiguous over shape (same element, same position). Partial
//   overlap is not allowed. No alignment assumed; kernels never allocate or throw.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tl::elementwise {

enum class UnaryOp : int32_t {
  Neg = 0, Exp, Log, Abs, Sqrt, Tanh, Sigmoid, Relu, Sign, PowScalar, Clamp,
  AddScalar, MulScalar, RsubScalar, RdivScalar, Square, Reciprocal, Log1p, Expm1, Sin, Cos,
  LeakyRelu, Gelu, GeluTanh, Elu, Softplus,
  Count
};

enum class BinaryOp : int32_t {
  Add = 0, Sub, Mul, Div, Pow, Maximum, Minimum, Eq, Ne, Lt, Le, Gt, Ge,
  Count
};

// The kernels the binding calls: large arrays are split into fixed-size
// chunks run by the thread pool (so results never depend on the thread
// count), under the pool's denormal mode; float32 exp, log, tanh and sigmoid
// take the SIMD bodies of the active instruction set (vmath.h: <= 1-2 ulp).
template <typename T>
void unary(UnaryOp op, size_t n, const T* x, T* y, T alpha, T beta);

template <typename T>
void unary_backward(UnaryOp op, size_t n, const T* x, const T* y, const T* gy, T* gx, T alpha, T beta);

// The scalar references (std:: math; the oracle of the tests, and the path of
// every op and dtype without a SIMD body).
template <typename T>
void unary_ref(UnaryOp op, size_t n, const T* x, T* y, T alpha, T beta);

template <typename T>
void unary_backward_ref(UnaryOp op, size_t n, const T* x, const T* y, const T* gy, T* gx, T alpha, T beta);

// SIMD bodies (elementwise.<isa>.cc): return false for ops they do not cover
// (and always when that file was compiled without its instruction set).
bool unary_f32_avx2(UnaryOp op, size_t n, const float* x, float* y);
bool unary_f32_avx512(UnaryOp op, size_t n, const float* x, float* y);
// The reference formulas (elementwise_ref_impl.h) compiled with each ISA's
// flags: the reference's bits, wider vectors. False when not compiled for it.
#define TL_UNARY_GENERIC(isa)                                                                                    \
  bool unary_generic_##isa(UnaryOp op, size_t n, const float* x, float* y, float a, float b);                  \
  bool unary_generic_##isa(UnaryOp op, size_t n, const double* x, double* y, double a, double b);              \
  bool unary_backward_generic_##isa(UnaryOp op, size_t n, const float* x, const float* y, const float* gy,     \
                                    float* gx, float a, float b);                                              \
  bool unary_backward_generic_##isa(UnaryOp op, size_t n, const double* x, const double* y, const double* gy,  \
                                    double* gx, double a, double b);
TL_UNARY_GENERIC(avx2)
TL_UNARY_GENERIC(avx512)
#undef TL_UNARY_GENERIC

template <typename T>
void binary(BinaryOp op, int ndim, const int64_t* shape, const T* a, const int64_t* as, const T* b,
            const int64_t* bs, T* out);

// True if any element of the strided int32 view is 0 (the binding's check for int32 Div).
bool any_zero(int ndim, const int64_t* shape, const int32_t* b, const int64_t* bs);

}  // namespace tl::elementwise
