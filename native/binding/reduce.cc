// reduce and argReduce over the middle axis of an (outer, n, inner) view.
#include <cstdint>

#include "binding/args.h"
#include "binding/families.h"
#include "kernels/reduce.h"

namespace tl {

namespace {

using reduce::ReduceOp;

// reduce(op, x, outer, n, inner, out)
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  const char* op = "reduce";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 6);
  auto rop = static_cast<ReduceOp>(ArgInt(info, 0, op, "op", 0, static_cast<int64_t>(ReduceOp::Count) - 1));
  Array x = ArgArray(info, 1, op, "x", kFloat);
  View3 v = ArgView3(info, 2, op);
  Array out = ArgArray(info, 5, op, "out", kFloat);
  RequireSameDtype(env, op, "x", x, "out", out);
  RequireView3(env, op, "x", x, v);
  RequireLength(env, op, "out", out, static_cast<size_t>(v.rest()));
  RequireDisjoint(env, op, "x", x, "out", out);
  if (v.n == 0 && (rop == ReduceOp::Max || rop == ReduceOp::Min))
    ThrowRange(env, std::string("reduce: ") + (rop == ReduceOp::Max ? "max" : "min") +
                        " over an empty dimension (n = 0) is undefined");
  if (x.dtype == Dtype::F32)
    reduce::reduce<float>(rop, v.outer, v.n, v.inner, x.as<float>(), out.as<float>());
  else
    reduce::reduce<double>(rop, v.outer, v.n, v.inner, x.as<double>(), out.as<double>());
  return env.Undefined();
}

// argReduce(isMax, x, outer, n, inner, values | null, indices)
Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
  const char* op = "argReduce";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 7);
  bool is_max = ArgBool(info, 0, op, "isMax");
  Array x = ArgArray(info, 1, op, "x", kFloat);
  View3 v = ArgView3(info, 2, op);
  Array values = ArgArrayOrNull(info, 5, op, "values", kFloat);
  Array indices = ArgArray(info, 6, op, "indices", kI32);
  RequireView3(env, op, "x", x, v);
  if (v.n < 1) ThrowRange(env, "argReduce: argument 'n' must be >= 1 (no index of an empty dimension), got 0");
  if (v.n > INT32_MAX) ThrowRange(env, "argReduce: argument 'n' must fit an Int32Array index, got " + std::to_string(v.n));
  RequireLength(env, op, "indices", indices, static_cast<size_t>(v.rest()));
  const bool has_values = !(info[5].IsNull() || info[5].IsUndefined());
  if (has_values) {
    RequireSameDtype(env, op, "x", x, "values", values);
    RequireLength(env, op, "values", values, static_cast<size_t>(v.rest()));
    RequireDisjoint(env, op, "x", x, "values", values);
    RequireDisjoint(env, op, "values", values, "indices", indices);
  }
  RequireDisjoint(env, op, "x", x, "indices", indices);
  if (x.dtype == Dtype::F32)
    reduce::arg_reduce<float>(is_max, v.outer, v.n, v.inner, x.as<float>(), has_values ? values.as<float>() : nullptr,
                              indices.as<int32_t>());
  else
    reduce::arg_reduce<double>(is_max, v.outer, v.n, v.inner, x.as<double>(),
                               has_values ? values.as<double>() : nullptr, indices.as<int32_t>());
  return env.Undefined();
}

}  // namespace

void InitReduce(Napi::Env env, Napi::Object exports) {
  exports.Set("reduce", Napi::Function::New(env, Reduce, "reduce"));
  exports.Set("argReduce", Napi::Function::New(env, ArgReduce, "argReduce"));
}

}  // namespace tl
