// sgdStep: one fused SGD update of one parameter.
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

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

// sgdStepMany(params, grads, momentumBufs, firstSteps, lr, momentum, dampening, weightDecay, nesterov):
// sgdStep for every parameter of an optimizer step in one call (chunks across the thread pool).
Napi::Value SgdStepMany(const Napi::CallbackInfo& info) {
  const char* op = "sgdStepMany";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 9);
  constexpr size_t kMaxTensors = 1 << 20;
  // Every list is read (running any getters) before a single pointer is taken.
  const auto pv = ArgList(info, 0, op, "params", kMaxTensors);
  const auto gv = ArgList(info, 1, op, "grads", kMaxTensors);
  const auto bv = ArgList(info, 2, op, "momentumBufs", kMaxTensors);
  const auto fv = ArgList(info, 3, op, "firstSteps", kMaxTensors);
  const double lr = ArgNumber(info, 4, op, "lr");
  const double momentum = ArgNumber(info, 5, op, "momentum");
  const double dampening = ArgNumber(info, 6, op, "dampening");
  const double wd = ArgNumber(info, 7, op, "weightDecay");
  const bool nesterov = ArgBool(info, 8, op, "nesterov");
  const size_t count = pv.size();
  for (const auto& [name, v] : {std::pair<const char*, size_t>{"grads", gv.size()}, {"momentumBufs", bv.size()}, {"firstSteps", fv.size()}})
    if (v != count)
      ThrowRange(env, std::string(op) + ": argument '" + name + "' has " + std::to_string(v) + " entries, 'params' has " +
                          std::to_string(count));
  std::vector<Array> ps(count), gs(count), bs(count);
  std::vector<char> first(count);
  for (size_t t = 0; t < count; t++) {
    const std::string idx = "[" + std::to_string(t) + "]";
    ps[t] = ValueArray(env, pv[t], op, "params" + idx, kFloat);
    gs[t] = ValueArray(env, gv[t], op, "grads" + idx, kFloat);
    if (!fv[t].IsBoolean()) ThrowType(env, std::string(op) + ": argument 'firstSteps" + idx + "' must be a boolean, got " + Describe(fv[t]));
    first[t] = fv[t].As<Napi::Boolean>().Value();
    RequireSameDtype(env, op, "params[0]", ps[0], ("params" + idx).c_str(), ps[t]);
    RequireSameDtype(env, op, ("params" + idx).c_str(), ps[t], ("grads" + idx).c_str(), gs[t]);
    RequireSameLength(env, op, ("params" + idx).c_str(), ps[t], ("grads" + idx).c_str(), gs[t]);
    if (momentum != 0) {
      if (bv[t].IsNull() || bv[t].IsUndefined())
        ThrowType(env, std::string(op) + ": argument 'momentumBufs" + idx + "' must be a Float32Array or Float64Array when momentum != 0, got " + Describe(bv[t]));
      bs[t] = ValueArray(env, bv[t], op, "momentumBufs" + idx, kFloat);
      RequireSameDtype(env, op, ("params" + idx).c_str(), ps[t], ("momentumBufs" + idx).c_str(), bs[t]);
      RequireSameLength(env, op, ("params" + idx).c_str(), ps[t], ("momentumBufs" + idx).c_str(), bs[t]);
    }
  }
  // No two arrays of the call may share memory: every parameter and buffer is
  // written while the others are read. Sorting the byte ranges finds any overlap.
  struct Range {
    uintptr_t lo, hi;
    size_t t;
    const char* what;
  };
  std::vector<Range> ranges;
  ranges.reserve(3 * count);
  const size_t es = count && ps[0].dtype == Dtype::F64 ? 8 : 4;
  auto add = [&](const Array& a, size_t t, const char* what) {
    if (a.length) ranges.push_back({reinterpret_cast<uintptr_t>(a.data), reinterpret_cast<uintptr_t>(a.data) + a.length * es, t, what});
  };
  for (size_t t = 0; t < count; t++) {
    add(ps[t], t, "params");
    add(gs[t], t, "grads");
    if (momentum != 0) add(bs[t], t, "momentumBufs");
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& x, const Range& y) { return x.lo < y.lo; });
  for (size_t r = 1; r < ranges.size(); r++)
    if (ranges[r].lo < ranges[r - 1].hi)
      ThrowRange(env, std::string(op) + ": '" + ranges[r - 1].what + "[" + std::to_string(ranges[r - 1].t) + "]' and '" +
                          ranges[r].what + "[" + std::to_string(ranges[r].t) + "]' overlap in memory");
  auto run = [&](auto tag) {
    using T = decltype(tag);
    std::vector<optim::SgdTensor<T>> ts(count);
    for (size_t t = 0; t < count; t++)
      ts[t] = {ps[t].length, ps[t].as<T>(), gs[t].as<T>(), momentum != 0 ? bs[t].as<T>() : nullptr, first[t] != 0};
    optim::sgd_step_many<T>(ts.data(), count, T(lr), T(momentum), T(dampening), T(wd), nesterov);
  };
  if (count == 0) return env.Undefined();
  if (ps[0].dtype == Dtype::F32) run(float{});
  else run(double{});
  return env.Undefined();
}

}  // namespace

void InitOptim(Napi::Env env, Napi::Object exports) {
  exports.Set("sgdStep", Napi::Function::New(env, SgdStep, "sgdStep"));
  exports.Set("sgdStepMany", Napi::Function::New(env, SgdStepMany, "sgdStepMany"));
}

}  // namespace tl
