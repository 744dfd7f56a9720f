// Optimizer steps: sgdStep / adamStep / rmspropStep update one parameter in
// place; the *StepMany variants update every parameter of a step in one call
// (chunks across the thread pool). The per-tensor entry points run inside a
// DenormalScope, so that they see the floating-point mode of a thread-pool
// region and give bit-identical results to the fused calls.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "binding/args.h"
#include "binding/families.h"
#include "kernels/optim.h"
#include "runtime/thread_pool.h"

namespace tl {

namespace {

constexpr size_t kMaxTensors = 1 << 20;

// One array of a *StepMany call with its name, e.g. ("expAvgs", 3) -> 'expAvgs[3]'.
struct Named {
  const Array* a;
  size_t t;  // index in its list, or SIZE_MAX for a single argument
  const char* what;
};

std::string NameOf(const Named& n) {
  return n.t == SIZE_MAX ? std::string(n.what) : std::string(n.what) + "[" + std::to_string(n.t) + "]";
}

// RangeError "op: 'params[0]' and 'grads[1]' overlap in memory" if an array
// that is written (a param or a state buffer) shares a byte with any other
// (empty arrays share nothing). The grads are only read, so they may alias
// each other (two parameters sharing one gradient tensor, as PyTorch allows).
// Sorting the byte ranges by start finds any overlap in O(n log n): a range
// overlaps an earlier one iff it starts before the furthest end so far.
void RequireAllDisjoint(Napi::Env env, const char* op, const std::vector<Named>& arrays) {
  struct Range {
    uintptr_t lo, hi;
    size_t k;
    bool read_only;
  };
  std::vector<Range> ranges;
  ranges.reserve(arrays.size());
  for (size_t k = 0; k < arrays.size(); k++) {
    const Array& a = *arrays[k].a;
    const std::string what = arrays[k].what;
    if (a.length)
      ranges.push_back({reinterpret_cast<uintptr_t>(a.data), reinterpret_cast<uintptr_t>(a.data) + a.length * a.elem_size(), k,
                        what == "grads" || what == "grad"});
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& x, const Range& y) { return x.lo < y.lo; });
  // The furthest-reaching range so far, and the furthest-reaching written one (SIZE_MAX: none yet).
  size_t far_any = SIZE_MAX, far_written = SIZE_MAX;
  for (size_t r = 0; r < ranges.size(); r++) {
    const Range& cur = ranges[r];
    const size_t other = cur.read_only ? far_written : far_any;
    if (other != SIZE_MAX && cur.lo < ranges[other].hi) {
      const Named &x = arrays[ranges[other].k], &y = arrays[cur.k];
      if (x.t == SIZE_MAX && y.t == SIZE_MAX)
        ThrowRange(env, std::string(op) + ": arguments '" + NameOf(x) + "' and '" + NameOf(y) + "' overlap in memory");
      ThrowRange(env, std::string(op) + ": '" + NameOf(x) + "' and '" + NameOf(y) + "' overlap in memory");
    }
    if (far_any == SIZE_MAX || cur.hi > ranges[far_any].hi) far_any = r;
    if (!cur.read_only && (far_written == SIZE_MAX || cur.hi > ranges[far_written].hi)) far_written = r;
  }
}

// Entry t of a list read by ArgList, as an array of ref's type and length
// (ref is the parameter's array, named ref_name).
Array ListEntryLike(Napi::Env env, const char* op, const std::vector<Napi::Value>& list, const char* list_name, size_t t,
                    const Array& ref, const std::string& ref_name) {
  const std::string name = std::string(list_name) + "[" + std::to_string(t) + "]";
  Array a = ValueArray(env, list[t], op, name, kFloat);
  RequireSameDtype(env, op, ref_name.c_str(), ref, name.c_str(), a);
  RequireSameLength(env, op, ref_name.c_str(), ref, name.c_str(), a);
  return a;
}

// Like ListEntryLike for a state buffer that exists only under a condition
// (`when`, e.g. "amsgrad is true"): null/undefined there is a TypeError.
Array OptionalEntryLike(Napi::Env env, const char* op, const std::vector<Napi::Value>& list, const char* list_name,
                        size_t t, const Array& ref, const std::string& ref_name, const char* when) {
  if (list[t].IsNull() || list[t].IsUndefined())
    ThrowType(env, std::string(op) + ": argument '" + list_name + "[" + std::to_string(t) +
                       "]' must be a Float32Array or Float64Array when " + when + ", got " + Describe(list[t]));
  return ListEntryLike(env, op, list, list_name, t, ref, ref_name);
}

// An entry of a state-buffer list that this call does not use (e.g.
// maxExpAvgSqs[t] when amsgrad is false): the kernel gets a null pointer for
// it, so it is never read or written and its length does not matter. It must
// still be null/undefined or a float array, as in the per-tensor entry points
// (a TypeError names it otherwise: most likely the arguments are misplaced).
void RequireUnusedEntry(Napi::Env env, const char* op, const std::vector<Napi::Value>& list, const char* list_name,
                        size_t t, const char* when) {
  const Napi::Value& v = list[t];
  if (v.IsNull() || v.IsUndefined()) return;
  if (v.IsTypedArray()) {
    const napi_typedarray_type type = v.As<Napi::TypedArray>().TypedArrayType();
    if (type == napi_float32_array || type == napi_float64_array) return;
  }
  ThrowType(env, std::string(op) + ": argument '" + list_name + "[" + std::to_string(t) + "]' is not used when " + when +
                     " and must be null (or a Float32Array or Float64Array, ignored), got " + Describe(v));
}

void RequireListSizes(Napi::Env env, const char* op, size_t count,
                      std::initializer_list<std::pair<const char*, size_t>> lists) {
  for (const auto& [name, v] : lists)
    if (v != count)
      ThrowRange(env, std::string(op) + ": argument '" + name + "' has " + std::to_string(v) + " entries, 'params' has " +
                          std::to_string(count));
}

// The params and grads of a *StepMany call: every param of params[0]'s type, each grad like its param.
void UnpackParamsGrads(Napi::Env env, const char* op, const std::vector<Napi::Value>& pv,
                       const std::vector<Napi::Value>& gv, std::vector<Array>& ps, std::vector<Array>& gs) {
  const size_t count = pv.size();
  ps.resize(count);
  gs.resize(count);
  for (size_t t = 0; t < count; t++) {
    const std::string pn = "params[" + std::to_string(t) + "]";
    ps[t] = ValueArray(env, pv[t], op, pn, kFloat);
    RequireSameDtype(env, op, "params[0]", ps[0], pn.c_str(), ps[t]);
    gs[t] = ListEntryLike(env, op, gv, "grads", t, ps[t], pn);
  }
}

// A step count: a finite number >= 1 (the bias corrections divide by 1 - beta^step).
double StepValue(Napi::Env env, const char* op, const std::string& name, const Napi::Value& v) {
  if (!v.IsNumber()) ThrowType(env, std::string(op) + ": argument '" + name + "' must be a number, got " + Describe(v));
  const double x = v.As<Napi::Number>().DoubleValue();
  if (!(x >= 1) || !std::isfinite(x))
    ThrowRange(env, std::string(op) + ": argument '" + name + "' must be a finite number >= 1, got " + v.ToString().Utf8Value());
  return x;
}

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
  DenormalScope dz;
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
    } else {
      RequireUnusedEntry(env, op, bv, "momentumBufs", t, "momentum == 0");
    }
  }
  // No two arrays of the call may share memory: every parameter and buffer is
  // written while the others are read.
  std::vector<Named> all;
  all.reserve(3 * count);
  for (size_t t = 0; t < count; t++) {
    all.push_back({&ps[t], t, "params"});
    all.push_back({&gs[t], t, "grads"});
    if (momentum != 0) all.push_back({&bs[t], t, "momentumBufs"});
  }
  RequireAllDisjoint(env, op, all);
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

// adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq | null, step, lr, beta1, beta2, eps, weightDecay,
//          amsgrad, maximize, decoupled)
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  const char* op = "adamStep";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 14);
  const Array p = ArgArray(info, 0, op, "param", kFloat);
  const Array g = ArgArray(info, 1, op, "grad", kFloat);
  const Array m = ArgArray(info, 2, op, "expAvg", kFloat);
  const Array v = ArgArray(info, 3, op, "expAvgSq", kFloat);
  const Array vmax = ArgArrayOrNull(info, 4, op, "maxExpAvgSq", kFloat);
  const double step = StepValue(env, op, "step", info[5]);
  const double lr = ArgNumber(info, 6, op, "lr");
  const double beta1 = ArgNumber(info, 7, op, "beta1");
  const double beta2 = ArgNumber(info, 8, op, "beta2");
  const double eps = ArgNumber(info, 9, op, "eps");
  const double wd = ArgNumber(info, 10, op, "weightDecay");
  const bool amsgrad = ArgBool(info, 11, op, "amsgrad");
  const bool maximize = ArgBool(info, 12, op, "maximize");
  const bool decoupled = ArgBool(info, 13, op, "decoupled");
  for (const auto& [name, a] : {std::pair<const char*, const Array*>{"grad", &g}, {"expAvg", &m}, {"expAvgSq", &v}}) {
    RequireSameDtype(env, op, "param", p, name, *a);
    RequireSameLength(env, op, "param", p, name, *a);
  }
  std::vector<Named> all = {{&p, SIZE_MAX, "param"}, {&g, SIZE_MAX, "grad"}, {&m, SIZE_MAX, "expAvg"}, {&v, SIZE_MAX, "expAvgSq"}};
  if (amsgrad) {
    if (info[4].IsNull() || info[4].IsUndefined())
      ThrowType(env, std::string(op) + ": argument 'maxExpAvgSq' must be a Float32Array or Float64Array when amsgrad is true, got " +
                         Describe(info[4]));
    RequireSameDtype(env, op, "param", p, "maxExpAvgSq", vmax);
    RequireSameLength(env, op, "param", p, "maxExpAvgSq", vmax);
    all.push_back({&vmax, SIZE_MAX, "maxExpAvgSq"});
  }
  RequireAllDisjoint(env, op, all);
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const auto h = optim::adam_hyper<T>(lr, beta1, beta2, eps, wd, amsgrad, maximize, decoupled);
    DenormalScope dz;
    optim::adam_step<T>(p.length, p.as<T>(), g.as<T>(), m.as<T>(), v.as<T>(), amsgrad ? vmax.as<T>() : nullptr, h,
                        optim::adam_scalars<T>(step, lr, beta1, beta2));
  };
  if (p.dtype == Dtype::F32) run(float{});
  else run(double{});
  return env.Undefined();
}

// adamStepMany(params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, steps, lr, beta1, beta2, eps, weightDecay,
//              amsgrad, maximize, decoupled): adamStep for every parameter of a step in one call.
// maxExpAvgSqs has one entry per parameter either way; without amsgrad each is null (a float array
// there is ignored: the kernel gets a null pointer and never reads or writes it).
Napi::Value AdamStepMany(const Napi::CallbackInfo& info) {
  const char* op = "adamStepMany";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 14);
  // Every list is read (running any getters) before a single pointer is taken.
  const auto pv = ArgList(info, 0, op, "params", kMaxTensors);
  const auto gv = ArgList(info, 1, op, "grads", kMaxTensors);
  const auto mv = ArgList(info, 2, op, "expAvgs", kMaxTensors);
  const auto vv = ArgList(info, 3, op, "expAvgSqs", kMaxTensors);
  const auto xv = ArgList(info, 4, op, "maxExpAvgSqs", kMaxTensors);
  const auto sv = ArgList(info, 5, op, "steps", kMaxTensors);
  const double lr = ArgNumber(info, 6, op, "lr");
  const double beta1 = ArgNumber(info, 7, op, "beta1");
  const double beta2 = ArgNumber(info, 8, op, "beta2");
  const double eps = ArgNumber(info, 9, op, "eps");
  const double wd = ArgNumber(info, 10, op, "weightDecay");
  const bool amsgrad = ArgBool(info, 11, op, "amsgrad");
  const bool maximize = ArgBool(info, 12, op, "maximize");
  const bool decoupled = ArgBool(info, 13, op, "decoupled");
  const size_t count = pv.size();
  RequireListSizes(env, op, count, {{"grads", gv.size()}, {"expAvgs", mv.size()}, {"expAvgSqs", vv.size()},
                                    {"maxExpAvgSqs", xv.size()}, {"steps", sv.size()}});
  std::vector<double> steps(count);
  for (size_t t = 0; t < count; t++) steps[t] = StepValue(env, op, "steps[" + std::to_string(t) + "]", sv[t]);
  std::vector<Array> ps, gs, ms(count), vs(count), xs(count);
  UnpackParamsGrads(env, op, pv, gv, ps, gs);
  std::vector<Named> all;
  all.reserve(5 * count);
  for (size_t t = 0; t < count; t++) {
    const std::string pn = "params[" + std::to_string(t) + "]";
    ms[t] = ListEntryLike(env, op, mv, "expAvgs", t, ps[t], pn);
    vs[t] = ListEntryLike(env, op, vv, "expAvgSqs", t, ps[t], pn);
    if (amsgrad) xs[t] = OptionalEntryLike(env, op, xv, "maxExpAvgSqs", t, ps[t], pn, "amsgrad is true");
    else RequireUnusedEntry(env, op, xv, "maxExpAvgSqs", t, "amsgrad is false");
    all.push_back({&ps[t], t, "params"});
    all.push_back({&gs[t], t, "grads"});
    all.push_back({&ms[t], t, "expAvgs"});
    all.push_back({&vs[t], t, "expAvgSqs"});
    if (amsgrad) all.push_back({&xs[t], t, "maxExpAvgSqs"});
  }
  RequireAllDisjoint(env, op, all);
  if (count == 0) return env.Undefined();
  auto run = [&](auto tag) {
    using T = decltype(tag);
    std::vector<optim::AdamTensor<T>> ts(count);
    for (size_t t = 0; t < count; t++)
      ts[t] = {ps[t].length, ps[t].as<T>(), gs[t].as<T>(), ms[t].as<T>(), vs[t].as<T>(),
               amsgrad ? xs[t].as<T>() : nullptr, steps[t]};
    optim::adam_step_many<T>(ts.data(), count, lr, beta1, beta2,
                             optim::adam_hyper<T>(lr, beta1, beta2, eps, wd, amsgrad, maximize, decoupled));
  };
  if (ps[0].dtype == Dtype::F32) run(float{});
  else run(double{});
  return env.Undefined();
}

// rmspropStep(param, grad, squareAvg, gradAvg | null, momentumBuffer | null, lr, alpha, eps, weightDecay,
//             momentum, centered, maximize)
Napi::Value RmspropStep(const Napi::CallbackInfo& info) {
  const char* op = "rmspropStep";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 12);
  const Array p = ArgArray(info, 0, op, "param", kFloat);
  const Array g = ArgArray(info, 1, op, "grad", kFloat);
  const Array sa = ArgArray(info, 2, op, "squareAvg", kFloat);
  const Array ga = ArgArrayOrNull(info, 3, op, "gradAvg", kFloat);
  const Array buf = ArgArrayOrNull(info, 4, op, "momentumBuffer", kFloat);
  const double lr = ArgNumber(info, 5, op, "lr");
  const double alpha = ArgNumber(info, 6, op, "alpha");
  const double eps = ArgNumber(info, 7, op, "eps");
  const double wd = ArgNumber(info, 8, op, "weightDecay");
  const double momentum = ArgNumber(info, 9, op, "momentum");
  const bool centered = ArgBool(info, 10, op, "centered");
  const bool maximize = ArgBool(info, 11, op, "maximize");
  for (const auto& [name, a] : {std::pair<const char*, const Array*>{"grad", &g}, {"squareAvg", &sa}}) {
    RequireSameDtype(env, op, "param", p, name, *a);
    RequireSameLength(env, op, "param", p, name, *a);
  }
  std::vector<Named> all = {{&p, SIZE_MAX, "param"}, {&g, SIZE_MAX, "grad"}, {&sa, SIZE_MAX, "squareAvg"}};
  auto optional = [&](size_t i, const char* name, const Array& a, const char* when) {
    if (info[i].IsNull() || info[i].IsUndefined())
      ThrowType(env, std::string(op) + ": argument '" + name + "' must be a Float32Array or Float64Array when " + when +
                         ", got " + Describe(info[i]));
    RequireSameDtype(env, op, "param", p, name, a);
    RequireSameLength(env, op, "param", p, name, a);
    all.push_back({&a, SIZE_MAX, name});
  };
  if (centered) optional(3, "gradAvg", ga, "centered is true");
  if (momentum > 0) optional(4, "momentumBuffer", buf, "momentum > 0");
  RequireAllDisjoint(env, op, all);
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const auto h = optim::rmsprop_hyper<T>(lr, alpha, eps, wd, momentum, centered, maximize);
    DenormalScope dz;
    optim::rmsprop_step<T>(p.length, p.as<T>(), g.as<T>(), sa.as<T>(), centered ? ga.as<T>() : nullptr,
                           momentum > 0 ? buf.as<T>() : nullptr, h);
  };
  if (p.dtype == Dtype::F32) run(float{});
  else run(double{});
  return env.Undefined();
}

// rmspropStepMany(params, grads, squareAvgs, gradAvgs, momentumBuffers, lr, alpha, eps, weightDecay, momentum,
//                 centered, maximize): rmspropStep for every parameter of a step in one call.
Napi::Value RmspropStepMany(const Napi::CallbackInfo& info) {
  const char* op = "rmspropStepMany";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 12);
  const auto pv = ArgList(info, 0, op, "params", kMaxTensors);
  const auto gv = ArgList(info, 1, op, "grads", kMaxTensors);
  const auto sv = ArgList(info, 2, op, "squareAvgs", kMaxTensors);
  const auto av = ArgList(info, 3, op, "gradAvgs", kMaxTensors);
  const auto bv = ArgList(info, 4, op, "momentumBuffers", kMaxTensors);
  const double lr = ArgNumber(info, 5, op, "lr");
  const double alpha = ArgNumber(info, 6, op, "alpha");
  const double eps = ArgNumber(info, 7, op, "eps");
  const double wd = ArgNumber(info, 8, op, "weightDecay");
  const double momentum = ArgNumber(info, 9, op, "momentum");
  const bool centered = ArgBool(info, 10, op, "centered");
  const bool maximize = ArgBool(info, 11, op, "maximize");
  const size_t count = pv.size();
  RequireListSizes(env, op, count, {{"grads", gv.size()}, {"squareAvgs", sv.size()}, {"gradAvgs", av.size()},
                                    {"momentumBuffers", bv.size()}});
  std::vector<Array> ps, gs, ss(count), as(count), bs(count);
  UnpackParamsGrads(env, op, pv, gv, ps, gs);
  std::vector<Named> all;
  all.reserve(5 * count);
  for (size_t t = 0; t < count; t++) {
    const std::string pn = "params[" + std::to_string(t) + "]";
    ss[t] = ListEntryLike(env, op, sv, "squareAvgs", t, ps[t], pn);
    if (centered) as[t] = OptionalEntryLike(env, op, av, "gradAvgs", t, ps[t], pn, "centered is true");
    else RequireUnusedEntry(env, op, av, "gradAvgs", t, "centered is false");
    if (momentum > 0) bs[t] = OptionalEntryLike(env, op, bv, "momentumBuffers", t, ps[t], pn, "momentum > 0");
    else RequireUnusedEntry(env, op, bv, "momentumBuffers", t, "momentum <= 0");
    all.push_back({&ps[t], t, "params"});
    all.push_back({&gs[t], t, "grads"});
    all.push_back({&ss[t], t, "squareAvgs"});
    if (centered) all.push_back({&as[t], t, "gradAvgs"});
    if (momentum > 0) all.push_back({&bs[t], t, "momentumBuffers"});
  }
  RequireAllDisjoint(env, op, all);
  if (count == 0) return env.Undefined();
  auto run = [&](auto tag) {
    using T = decltype(tag);
    std::vector<optim::RmspropTensor<T>> ts(count);
    for (size_t t = 0; t < count; t++)
      ts[t] = {ps[t].length, ps[t].as<T>(), gs[t].as<T>(), ss[t].as<T>(), centered ? as[t].as<T>() : nullptr,
               momentum > 0 ? bs[t].as<T>() : nullptr};
    optim::rmsprop_step_many<T>(ts.data(), count, optim::rmsprop_hyper<T>(lr, alpha, eps, wd, momentum, centered, maximize));
  };
  if (ps[0].dtype == Dtype::F32) run(float{});
  else run(double{});
  return env.Undefined();
}

}  // namespace

void InitOptim(Napi::Env env, Napi::Object exports) {
  exports.Set("sgdStep", Napi::Function::New(env, SgdStep, "sgdStep"));
  exports.Set("sgdStepMany", Napi::Function::New(env, SgdStepMany, "sgdStepMany"));
  exports.Set("adamStep", Napi::Function::New(env, AdamStep, "adamStep"));
  exports.Set("adamStepMany", Napi::Function::New(env, AdamStepMany, "adamStepMany"));
  exports.Set("rmspropStep", Napi::Function::New(env, RmspropStep, "rmspropStep"));
  exports.Set("rmspropStepMany", Napi::Function::New(env, RmspropStepMany, "rmspropStepMany"));
}

}  // namespace tl
