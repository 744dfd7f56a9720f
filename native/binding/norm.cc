// batchNormForward/Backward, layerNormForward/Backward (kernels/norm.h).
#include <cstdint>
#include <string>
#include <vector>

#include "binding/args.h"
#include "binding/families.h"
#include "kernels/norm.h"

namespace tl {

namespace {

// An optional typed-array argument: `present` is false for null/undefined.
struct Opt {
  const char* name;
  Array a;
  bool present;
};

Opt ArgOpt(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, unsigned kinds) {
  const bool present = !(info[i].IsNull() || info[i].IsUndefined());
  return Opt{name, ArgArrayOrNull(info, i, op, name, kinds), present};
}

template <typename T>
T* Ptr(const Opt& o) {
  return o.present ? o.a.as<T>() : nullptr;
}

// Same dtype as x and length n, for every present optional.
void RequireParam(Napi::Env env, const char* op, const char* xname, const Array& x, const Opt& o, size_t n) {
  if (!o.present) return;
  RequireSameDtype(env, op, xname, x, o.name, o.a);
  RequireLength(env, op, o.name, o.a, n);
}

// No two present arrays of the list share memory.
void RequireNoneOverlap(Napi::Env env, const char* op, const std::vector<Opt>& list) {
  for (size_t i = 0; i < list.size(); i++)
    for (size_t j = i + 1; j < list.size(); j++)
      if (list[i].present && list[j].present)
        RequireDisjoint(env, op, list[i].name, list[i].a, list[j].name, list[j].a);
}

// batchNormForward(x, outer, c, inner, weight, bias, runningMean, runningVar, useBatchStats, momentum, eps,
//                  y, saveMean, saveInvstd)
Napi::Value BatchNormForward(const Napi::CallbackInfo& info) {
  const char* op = "batchNormForward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 14);
  Array x = ArgArray(info, 0, op, "x", kFloat);
  const int64_t outer = ArgInt(info, 1, op, "outer");
  const int64_t c = ArgInt(info, 2, op, "c");
  const int64_t inner = ArgInt(info, 3, op, "inner");
  Opt weight = ArgOpt(info, 4, op, "weight", kFloat);
  Opt bias = ArgOpt(info, 5, op, "bias", kFloat);
  Opt rm = ArgOpt(info, 6, op, "runningMean", kFloat);
  Opt rv = ArgOpt(info, 7, op, "runningVar", kFloat);
  const bool batch = ArgBool(info, 8, op, "useBatchStats");
  const double momentum = ArgNumber(info, 9, op, "momentum");
  const double eps = ArgNumber(info, 10, op, "eps");
  Array y = ArgArray(info, 11, op, "y", kFloat);
  Array sm = ArgArray(info, 12, op, "saveMean", kF64);
  Array si = ArgArray(info, 13, op, "saveInvstd", kF64);
  const uint64_t numel = CheckedProduct(env, op, "outer*c*inner", {outer, c, inner});
  RequireLength(env, op, "x", x, numel);
  RequireSameDtype(env, op, "x", x, "y", y);
  RequireLength(env, op, "y", y, numel);
  const size_t cs = static_cast<size_t>(c);
  for (const Opt* o : {&weight, &bias, &rm, &rv}) RequireParam(env, op, "x", x, *o, cs);
  RequireLength(env, op, "saveMean", sm, cs);
  RequireLength(env, op, "saveInvstd", si, cs);
  if (!batch && (!rm.present || !rv.present))
    ThrowType(env, "batchNormForward: runningMean and runningVar are required when useBatchStats is false");
  if (rm.present != rv.present)
    ThrowType(env, "batchNormForward: pass both runningMean and runningVar, or neither");
  if (!(momentum >= 0 && momentum <= 1))
    ThrowRange(env, "batchNormForward: argument 'momentum' must be in [0, 1], got " + JsNumber(momentum));
  if (!(eps >= 0)) ThrowRange(env, "batchNormForward: argument 'eps' must be >= 0, got " + JsNumber(eps));
  // y may be x (each channel reads all of its x before writing its y); the
  // running stats are written, so they overlap nothing; weight and bias are
  // read after y of earlier channels is written.
  RequireSameOrDisjoint(env, op, "y", y, "x", x);
  RequireNoneOverlap(env, op, {{"y", y, true}, weight, bias, rm, rv, {"saveMean", sm, true}, {"saveInvstd", si, true}});
  RequireNoneOverlap(env, op, {{"x", x, true}, rm, rv, {"saveMean", sm, true}, {"saveInvstd", si, true}});
  if (x.dtype == Dtype::F32)
    norm::batch_norm_forward<float>(outer, c, inner, x.as<float>(), Ptr<float>(weight), Ptr<float>(bias),
                                    Ptr<float>(rm), Ptr<float>(rv), batch, momentum, eps, y.as<float>(),
                                    sm.as<double>(), si.as<double>());
  else
    norm::batch_norm_forward<double>(outer, c, inner, x.as<double>(), Ptr<double>(weight), Ptr<double>(bias),
                                     Ptr<double>(rm), Ptr<double>(rv), batch, momentum, eps, y.as<double>(),
                                     sm.as<double>(), si.as<double>());
  return env.Undefined();
}

// batchNormBackward(x, gy, outer, c, inner, weight, saveMean, saveInvstd, useBatchStats, gx, gweight, gbias)
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  const char* op = "batchNormBackward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 12);
  Array x = ArgArray(info, 0, op, "x", kFloat);
  Array gy = ArgArray(info, 1, op, "gy", kFloat);
  const int64_t outer = ArgInt(info, 2, op, "outer");
  const int64_t c = ArgInt(info, 3, op, "c");
  const int64_t inner = ArgInt(info, 4, op, "inner");
  Opt weight = ArgOpt(info, 5, op, "weight", kFloat);
  Array sm = ArgArray(info, 6, op, "saveMean", kF64);
  Array si = ArgArray(info, 7, op, "saveInvstd", kF64);
  const bool batch = ArgBool(info, 8, op, "useBatchStats");
  Opt gx = ArgOpt(info, 9, op, "gx", kFloat);
  Opt gw = ArgOpt(info, 10, op, "gweight", kFloat);
  Opt gb = ArgOpt(info, 11, op, "gbias", kFloat);
  const uint64_t numel = CheckedProduct(env, op, "outer*c*inner", {outer, c, inner});
  const size_t cs = static_cast<size_t>(c);
  RequireLength(env, op, "x", x, numel);
  RequireSameDtype(env, op, "x", x, "gy", gy);
  RequireLength(env, op, "gy", gy, numel);
  RequireParam(env, op, "x", x, weight, cs);
  RequireLength(env, op, "saveMean", sm, cs);
  RequireLength(env, op, "saveInvstd", si, cs);
  RequireParam(env, op, "x", x, gx, numel);
  RequireParam(env, op, "x", x, gw, cs);
  RequireParam(env, op, "x", x, gb, cs);
  // gx may be gy (a channel's gy is summed before its gx is written); the
  // outputs overlap nothing else.
  if (gx.present) RequireSameOrDisjoint(env, op, "gx", gx.a, "gy", gy);
  RequireNoneOverlap(env, op, {gx, gw, gb, {"x", x, true}, weight, {"saveMean", sm, true}, {"saveInvstd", si, true}});
  RequireNoneOverlap(env, op, {gw, gb, {"gy", gy, true}});
  if (x.dtype == Dtype::F32)
    norm::batch_norm_backward<float>(outer, c, inner, x.as<float>(), gy.as<float>(), Ptr<float>(weight),
                                     sm.as<double>(), si.as<double>(), batch, Ptr<float>(gx), Ptr<float>(gw),
                                     Ptr<float>(gb));
  else
    norm::batch_norm_backward<double>(outer, c, inner, x.as<double>(), gy.as<double>(), Ptr<double>(weight),
                                      sm.as<double>(), si.as<double>(), batch, Ptr<double>(gx), Ptr<double>(gw),
                                      Ptr<double>(gb));
  return env.Undefined();
}

// layerNormForward(x, m, n, weight, bias, eps, y, saveMean, saveRstd)
Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  const char* op = "layerNormForward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 9);
  Array x = ArgArray(info, 0, op, "x", kFloat);
  const int64_t m = ArgInt(info, 1, op, "m");
  const int64_t n = ArgInt(info, 2, op, "n");
  Opt weight = ArgOpt(info, 3, op, "weight", kFloat);
  Opt bias = ArgOpt(info, 4, op, "bias", kFloat);
  const double eps = ArgNumber(info, 5, op, "eps");
  Array y = ArgArray(info, 6, op, "y", kFloat);
  Array sm = ArgArray(info, 7, op, "saveMean", kF64);
  Array sr = ArgArray(info, 8, op, "saveRstd", kF64);
  const uint64_t numel = CheckedProduct(env, op, "m*n", {m, n});
  RequireLength(env, op, "x", x, numel);
  RequireSameDtype(env, op, "x", x, "y", y);
  RequireLength(env, op, "y", y, numel);
  RequireParam(env, op, "x", x, weight, static_cast<size_t>(n));
  RequireParam(env, op, "x", x, bias, static_cast<size_t>(n));
  RequireLength(env, op, "saveMean", sm, static_cast<size_t>(m));
  RequireLength(env, op, "saveRstd", sr, static_cast<size_t>(m));
  if (!(eps >= 0)) ThrowRange(env, "layerNormForward: argument 'eps' must be >= 0, got " + JsNumber(eps));
  RequireSameOrDisjoint(env, op, "y", y, "x", x);
  RequireNoneOverlap(env, op, {{"y", y, true}, weight, bias, {"saveMean", sm, true}, {"saveRstd", sr, true}});
  RequireNoneOverlap(env, op, {{"x", x, true}, {"saveMean", sm, true}, {"saveRstd", sr, true}});
  if (x.dtype == Dtype::F32)
    norm::layer_norm_forward<float>(m, n, x.as<float>(), Ptr<float>(weight), Ptr<float>(bias), eps, y.as<float>(),
                                    sm.as<double>(), sr.as<double>());
  else
    norm::layer_norm_forward<double>(m, n, x.as<double>(), Ptr<double>(weight), Ptr<double>(bias), eps,
                                     y.as<double>(), sm.as<double>(), sr.as<double>());
  return env.Undefined();
}

// layerNormBackward(x, gy, m, n, weight, saveMean, saveRstd, gx, gweight, gbias)
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  const char* op = "layerNormBackward";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 10);
  Array x = ArgArray(info, 0, op, "x", kFloat);
  Array gy = ArgArray(info, 1, op, "gy", kFloat);
  const int64_t m = ArgInt(info, 2, op, "m");
  const int64_t n = ArgInt(info, 3, op, "n");
  Opt weight = ArgOpt(info, 4, op, "weight", kFloat);
  Array sm = ArgArray(info, 5, op, "saveMean", kF64);
  Array sr = ArgArray(info, 6, op, "saveRstd", kF64);
  Opt gx = ArgOpt(info, 7, op, "gx", kFloat);
  Opt gw = ArgOpt(info, 8, op, "gweight", kFloat);
  Opt gb = ArgOpt(info, 9, op, "gbias", kFloat);
  const uint64_t numel = CheckedProduct(env, op, "m*n", {m, n});
  const size_t ns = static_cast<size_t>(n);
  RequireLength(env, op, "x", x, numel);
  RequireSameDtype(env, op, "x", x, "gy", gy);
  RequireLength(env, op, "gy", gy, numel);
  RequireParam(env, op, "x", x, weight, ns);
  RequireLength(env, op, "saveMean", sm, static_cast<size_t>(m));
  RequireLength(env, op, "saveRstd", sr, static_cast<size_t>(m));
  RequireParam(env, op, "x", x, gx, numel);
  RequireParam(env, op, "x", x, gw, ns);
  RequireParam(env, op, "x", x, gb, ns);
  // gweight/gbias are summed from all of gy before gx (which may be gy) is written.
  if (gx.present) RequireSameOrDisjoint(env, op, "gx", gx.a, "gy", gy);
  RequireNoneOverlap(env, op, {gx, gw, gb, {"x", x, true}, weight, {"saveMean", sm, true}, {"saveRstd", sr, true}});
  RequireNoneOverlap(env, op, {gw, gb, {"gy", gy, true}});
  if (x.dtype == Dtype::F32)
    norm::layer_norm_backward<float>(m, n, x.as<float>(), gy.as<float>(), Ptr<float>(weight), sm.as<double>(),
                                     sr.as<double>(), Ptr<float>(gx), Ptr<float>(gw), Ptr<float>(gb));
  else
    norm::layer_norm_backward<double>(m, n, x.as<double>(), gy.as<double>(), Ptr<double>(weight), sm.as<double>(),
                                      sr.as<double>(), Ptr<double>(gx), Ptr<double>(gw), Ptr<double>(gb));
  return env.Undefined();
}

}  // namespace

void InitNorm(Napi::Env env, Napi::Object exports) {
  exports.Set("batchNormForward", Napi::Function::New(env, BatchNormForward, "batchNormForward"));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward, "batchNormBackward"));
  exports.Set("layerNormForward", Napi::Function::New(env, LayerNormForward, "layerNormForward"));
  exports.Set("layerNormBackward", Napi::Function::New(env, LayerNormBackward, "layerNormBackward"));
}

}  // namespace tl
