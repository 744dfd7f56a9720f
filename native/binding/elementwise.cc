// unary, unaryBackward, binary (broadcasting through strides).
#include <cstdint>

#include "binding/args.h"
#include "binding/families.h"
#include "kernels/elementwise.h"

namespace tl {

namespace {

using elementwise::BinaryOp;
using elementwise::UnaryOp;

constexpr int64_t kMaxStride = int64_t(1) << 52;

UnaryOp ArgUnaryOp(const Napi::CallbackInfo& info, const char* op) {
  return static_cast<UnaryOp>(ArgInt(info, 0, op, "op", 0, static_cast<int64_t>(UnaryOp::Count) - 1));
}

// unary(op, x, out, alpha, beta)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  const char* op = "unary";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 5);
  UnaryOp u = ArgUnaryOp(info, op);
  Array x = ArgArray(info, 1, op, "x", kFloat);
  Array out = ArgArray(info, 2, op, "out", kFloat);
  double alpha = ArgAnyNumber(info, 3, op, "alpha");
  double beta = ArgAnyNumber(info, 4, op, "beta");
  RequireSameDtype(env, op, "x", x, "out", out);
  RequireSameLength(env, op, "x", x, "out", out);
  RequireSameOrDisjoint(env, op, "out", out, "x", x);
  if (x.dtype == Dtype::F32)
    elementwise::unary<float>(u, x.length, x.as<float>(), out.as<float>(), static_cast<float>(alpha),
                              static_cast<float>(beta));
  else
    elementwise::unary<double>(u, x.length, x.as<double>(), out.as<double>(), alpha, beta);
  return env.Undefined();
}

// unaryBackward(op, x, y, gy, gx, alpha, beta)
Napi::Value UnaryBackward(const Napi::CallbackInfo& info) {
  const char* op = "unaryBackward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 7);
  UnaryOp u = ArgUnaryOp(info, op);
  Array x = ArgArray(info, 1, op, "x", kFloat);
  Array y = ArgArray(info, 2, op, "y", kFloat);
  Array gy = ArgArray(info, 3, op, "gy", kFloat);
  Array gx = ArgArray(info, 4, op, "gx", kFloat);
  double alpha = ArgAnyNumber(info, 5, op, "alpha");
  double beta = ArgAnyNumber(info, 6, op, "beta");
  RequireSameDtype(env, op, "x", x, "y", y);
  RequireSameDtype(env, op, "x", x, "gy", gy);
  RequireSameDtype(env, op, "x", x, "gx", gx);
  RequireSameLength(env, op, "x", x, "y", y);
  RequireSameLength(env, op, "x", x, "gy", gy);
  RequireSameLength(env, op, "x", x, "gx", gx);
  RequireSameOrDisjoint(env, op, "gx", gx, "x", x);
  RequireSameOrDisjoint(env, op, "gx", gx, "y", y);
  RequireSameOrDisjoint(env, op, "gx", gx, "gy", gy);
  if (x.dtype == Dtype::F32)
    elementwise::unary_backward<float>(u, x.length, x.as<float>(), y.as<float>(), gy.as<float>(), gx.as<float>(),
                                       static_cast<float>(alpha), static_cast<float>(beta));
  else
    elementwise::unary_backward<double>(u, x.length, x.as<double>(), y.as<double>(), gy.as<double>(),
                                        gx.as<double>(), alpha, beta);
  return env.Undefined();
}

// out may share memory with an operand only if it is that very view, contiguous
// (then each element is read before it is overwritten at the same position).
void RequireNoPartialOverlap(Napi::Env env, const char* name, const Array& x, int64_t off,
                             const std::vector<int64_t>& shape, const std::vector<int64_t>& strides,
                             const Array& out, uint64_t numel) {
  const size_t es = x.dtype == Dtype::F64 ? 8 : 4;
  int64_t last = off;
  for (size_t d = 0; d < shape.size(); d++) last += (shape[d] - 1) * strides[d];
  auto lo = reinterpret_cast<uintptr_t>(x.data) + static_cast<uintptr_t>(off) * es;
  auto hi = reinterpret_cast<uintptr_t>(x.data) + static_cast<uintptr_t>(last + 1) * es;
  auto olo = reinterpret_cast<uintptr_t>(out.data), ohi = olo + numel * es;
  if (!(lo < ohi && olo < hi)) return;
  bool same = lo == olo;
  int64_t expect = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] != 1 && strides[d] != expect) same = false;
    expect *= shape[d];
  }
  if (!same)
    ThrowRange(env, std::string("binary: 'out' overlaps '") + name +
                        "' in memory but is not the same contiguous view; write into a fresh array");
}

template <typename T>
void CallBinary(BinaryOp b, const std::vector<int64_t>& shape, const Array& a, int64_t ao,
                const std::vector<int64_t>& as, const Array& bb, int64_t bo, const std::vector<int64_t>& bs,
                const Array& out) {
  elementwise::binary<T>(b, static_cast<int>(shape.size()), shape.data(), a.as<T>() + ao, as.data(),
                         bb.as<T>() + bo, bs.data(), out.as<T>());
}

// binary(op, shape, a, aOffset, aStrides, b, bOffset, bStrides, out)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  const char* op = "binary";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 9);
  // JS arrays first: reading them may run user JS (args.h, rule 2).
  auto shape = ArgInts(info, 1, op, "shape", 0, kMaxStride);
  auto as = ArgInts(info, 4, op, "aStrides", 0, kMaxStride);
  auto bs = ArgInts(info, 7, op, "bStrides", 0, kMaxStride);
  auto bop = static_cast<BinaryOp>(ArgInt(info, 0, op, "op", 0, static_cast<int64_t>(BinaryOp::Count) - 1));
  Array a = ArgArray(info, 2, op, "a", kAny);
  int64_t ao = ArgInt(info, 3, op, "aOffset");
  Array b = ArgArray(info, 5, op, "b", kAny);
  int64_t bo = ArgInt(info, 6, op, "bOffset");
  Array out = ArgArray(info, 8, op, "out", kAny);
  RequireSameDtype(env, op, "a", a, "b", b);
  RequireSameDtype(env, op, "a", a, "out", out);
  if (a.dtype == Dtype::I32 && bop == BinaryOp::Pow)
    ThrowType(env, "binary: Pow is not defined for Int32Array operands; convert to a float type first");
  RequireStridedInBounds(env, op, "a", a, ao, shape, as);
  RequireStridedInBounds(env, op, "b", b, bo, shape, bs);
  // out is contiguous with exactly numel elements: the work is bounded by out.length.
  uint64_t numel = ShapeNumel(env, op, "shape", shape);
  RequireLength(env, op, "out", out, static_cast<size_t>(numel));
  if (numel == 0) return env.Undefined();
  RequireNoPartialOverlap(env, "a", a, ao, shape, as, out, numel);
  RequireNoPartialOverlap(env, "b", b, bo, shape, bs, out, numel);
  switch (a.dtype) {
    case Dtype::F32: CallBinary<float>(bop, shape, a, ao, as, b, bo, bs, out); break;
    case Dtype::F64: CallBinary<double>(bop, shape, a, ao, as, b, bo, bs, out); break;
    case Dtype::I32:
      if (bop == BinaryOp::Div &&
          elementwise::any_zero(static_cast<int>(shape.size()), shape.data(), b.as<int32_t>() + bo, bs.data()))
        ThrowRange(env, "binary: integer division by zero");
      CallBinary<int32_t>(bop, shape, a, ao, as, b, bo, bs, out);
      break;
  }
  return env.Undefined();
}

}  // namespace

void InitElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("unaryBackward", Napi::Function::New(env, UnaryBackward, "unaryBackward"));
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
}

}  // namespace tl
