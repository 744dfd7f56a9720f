// sgdStep: one fused SGD update of one parameter.
#include <cstdint>

#include "binding/args.h"
#include "binding/families.h"
#include "kernels/optim.h"

namespace tl {

namespace {

// sgdStep(param, grad, momentumBuf | null, lr, momentum, dampening, weightDecay, nesterov, firstStep)
Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  const char* op = "sgdStep";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 9);
  Array p = ArgArray(info, 0, op, "param", kFloat);
  Array g = ArgArray(info, 1, op, "grad", kFloat);
  Array buf = ArgArrayOrNull(info, 2, op, "momentumBuf", kFloat);
  const bool has_buf = !(info[2].IsNull() || info[2].IsUndefined());
  double lr = ArgNumber(info, 3, op, "lr");
  double momentum = ArgNumber(info, 4, op, "momentum");
  double dampening = ArgNumber(info, 5, op, "dampening");
  double wd = ArgNumber(info, 6, op, "weightDecay");
  bool nesterov = ArgBool(info, 7, op, "nesterov");
  bool first = ArgBool(info, 8, op, "firstStep");
  RequireSameDtype(env, op, "param", p, "grad", g);
  RequireSameLength(env, op, "param", p, "grad", g);
  if (momentum != 0) {
    if (!has_buf)
      ThrowType(env, "sgdStep: argument 'momentumBuf' must be a Float32Array or Float64Array when momentum != 0, "
                     "got " + Describe(info[2]));
    RequireSameDtype(env, op, "param", p, "momentumBuf", buf);
    RequireSameLength(env, op, "param", p, "momentumBuf", buf);
    if (Overlap(p, buf) || Overlap(g, buf))
      ThrowRange(env, "sgdStep: argument 'momentumBuf' overlaps 'param' or 'grad' in memory");
  }
  if (Overlap(p, g)) ThrowRange(env, "sgdStep: arguments 'param' and 'grad' overlap in memory");
  if (p.dtype == Dtype::F32)
    optim::sgd_step<float>(p.length, p.as<float>(), g.as<float>(), momentum != 0 ? buf.as<float>() : nullptr,
                           static_cast<float>(lr), static_cast<float>(momentum), static_cast<float>(dampening),
                           static_cast<float>(wd), nesterov, first);
  else
    optim::sgd_step<double>(p.length, p.as<double>(), g.as<double>(), momentum != 0 ? buf.as<double>() : nullptr, lr,
                            momentum, dampening, wd, nesterov, first);
  return env.Undefined();
}

}  // namespace

void InitOptim(Napi::Env env, Napi::Object exports) {
  exports.Set("sgdStep", Napi::Function::New(env, SgdStep, "sgdStep"));
}

}  // namespace tl
