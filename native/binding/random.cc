// manualSeed, uniform, normal, randint, randperm, bernoulli, getRngState, setRngState.
// The generator is per env (main thread or worker), kept in the env's instance data.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "binding/args.h"
#include "binding/families.h"
#include "kernels/random.h"

namespace tl {

namespace {

// TORCHLET_RNG_KERNELS=default reproduces PyTorch's portable kernels
// (ATEN_CPU_CAPABILITY=default) instead of its AVX2 ones; read per generator.
struct EnvGenerator {
  rng::Generator g;
  EnvGenerator() {
    const char* v = std::getenv("TORCHLET_RNG_KERNELS");
    if (v && std::strcmp(v, "default") == 0) g.path = rng::RngPath::Portable;
  }
};

rng::Generator& Gen(Napi::Env env) { return EnvState<EnvGenerator>(env).g; }

// manualSeed(seed): an integer in [-2^63, 2^64); negatives wrap to uint64 like torch.manual_seed.
Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, "manualSeed", 1);
  double s = ArgAnyNumber(info, 0, "manualSeed", "seed");
  if (!(s == std::floor(s)) || s < -9223372036854775808.0 || s >= 18446744073709551616.0)
    ThrowRange(env, "manualSeed: argument 'seed' must be an integer in [-2^63, 2^64), got " + JsNumber(s));
  const uint64_t seed = s < 0 ? static_cast<uint64_t>(static_cast<int64_t>(s)) : static_cast<uint64_t>(s);
  Gen(env).manual_seed(seed);
  return env.Undefined();
}

// uniform(out, from, to): finite, from <= to.
Napi::Value Uniform(const Napi::CallbackInfo& info) {
  const char* op = "uniform";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 3);
  Array out = ArgArray(info, 0, op, "out", kFloat);
  double from = ArgNumber(info, 1, op, "from");
  double to = ArgNumber(info, 2, op, "to");
  if (!(from <= to))
    ThrowRange(env, "uniform: expects from <= to, got from=" + JsNumber(from) + " and to=" + JsNumber(to));
  if (out.dtype == Dtype::F32) {
    if (!std::isfinite(static_cast<float>(to) - static_cast<float>(from)))
      ThrowRange(env, "uniform: to - from must be finite in float32");
    rng::uniform<float>(Gen(env), out.length, out.as<float>(), from, to);
  } else {
    if (!std::isfinite(to - from)) ThrowRange(env, "uniform: to - from must be finite");
    rng::uniform<double>(Gen(env), out.length, out.as<double>(), from, to);
  }
  return env.Undefined();
}

// normal(out, mean, std): finite, std >= 0.
Napi::Value Normal(const Napi::CallbackInfo& info) {
  const char* op = "normal";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 3);
  Array out = ArgArray(info, 0, op, "out", kFloat);
  double mean = ArgNumber(info, 1, op, "mean");
  double std = ArgNumber(info, 2, op, "std");
  if (std < 0) ThrowRange(env, "normal: expects std >= 0, got " + JsNumber(std));
  if (out.dtype == Dtype::F32)
    rng::normal<float>(Gen(env), out.length, out.as<float>(), mean, std);
  else
    rng::normal<double>(Gen(env), out.length, out.as<double>(), mean, std);
  return env.Undefined();
}

// randint(out, from, to): integers, from < to, both ends representable in out's type
// (PyTorch's check: |from|, |to - 1| <= 2^24 for float32, 2^53 for float64, int32 range).
Napi::Value Randint(const Napi::CallbackInfo& info) {
  const char* op = "randint";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 3);
  Array out = ArgArray(info, 0, op, "out", kAny);
  int64_t lo, hi;
  switch (out.dtype) {
    case Dtype::F32: lo = -(int64_t(1) << 24), hi = int64_t(1) << 24; break;
    case Dtype::F64: lo = -(int64_t(1) << 53), hi = int64_t(1) << 53; break;
    default: lo = INT32_MIN, hi = INT32_MAX; break;
  }
  const int64_t from = ArgInt(info, 1, op, "from", lo, hi);
  const int64_t to = ArgInt(info, 2, op, "to", lo + 1, hi + 1);
  if (from >= to)
    ThrowRange(env, "randint: expects from < to, got from=" + std::to_string(from) + " and to=" + std::to_string(to));
  switch (out.dtype) {
    case Dtype::F32: rng::randint<float>(Gen(env), out.length, out.as<float>(), from, to); break;
    case Dtype::F64: rng::randint<double>(Gen(env), out.length, out.as<double>(), from, to); break;
    case Dtype::I32: rng::randint<int32_t>(Gen(env), out.length, out.as<int32_t>(), from, to); break;
  }
  return env.Undefined();
}

// randperm(out: Int32Array)
Napi::Value Randperm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, "randperm", 1);
  Array out = ArgArray(info, 0, "randperm", "out", kI32);
  rng::randperm(Gen(env), out.length, out.as<int32_t>());
  return env.Undefined();
}

// bernoulli(out, p): 0 <= p <= 1.
Napi::Value Bernoulli(const Napi::CallbackInfo& info) {
  const char* op = "bernoulli";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 2);
  Array out = ArgArray(info, 0, op, "out", kFloat);
  double p = ArgAnyNumber(info, 1, op, "p");
  if (!(p >= 0 && p <= 1)) ThrowRange(env, "bernoulli: expects 0 <= p <= 1, got " + JsNumber(p));
  if (out.dtype == Dtype::F32)
    rng::bernoulli<float>(Gen(env), out.length, out.as<float>(), p);
  else
    rng::bernoulli<double>(Gen(env), out.length, out.as<double>(), p);
  return env.Undefined();
}

Napi::Value GetRngState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto arr = Napi::Uint8Array::New(env, rng::kStateBytes);
  rng::save_state(Gen(env), arr.Data());
  return arr;
}

// setRngState(state: Uint8Array from getRngState)
Napi::Value SetRngState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, "setRngState", 1);
  Napi::Value v = info[0];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    ThrowType(env, "setRngState: argument 'state' must be a Uint8Array, got " + Describe(v));
  if (IsSharedBacked(v))
    ThrowType(env, "setRngState: argument 'state' must be a Uint8Array over an ordinary ArrayBuffer "
                   "(SharedArrayBuffer is not supported), got " + Describe(v));
  auto arr = v.As<Napi::Uint8Array>();
  const uint8_t* data = arr.ElementLength() ? arr.Data() : nullptr;
  if (arr.ElementLength() && !data) ThrowRange(env, "setRngState: argument 'state' is detached");
  rng::Generator& g = Gen(env);
  if (!data) ThrowRange(env, "setRngState: argument 'state' is not a generator state: it has the wrong length");
  if (const char* why = rng::load_state(g, data, arr.ElementLength()))
    ThrowRange(env, std::string("setRngState: argument 'state' is not a generator state: ") + why + " (length " +
                        std::to_string(arr.ElementLength()) + ", expected " + std::to_string(rng::kStateBytes) + ")");
  return env.Undefined();
}

}  // namespace

void InitRandom(Napi::Env env, Napi::Object exports) {
  exports.Set("manualSeed", Napi::Function::New(env, ManualSeed, "manualSeed"));
  exports.Set("uniform", Napi::Function::New(env, Uniform, "uniform"));
  exports.Set("normal", Napi::Function::New(env, Normal, "normal"));
  exports.Set("randint", Napi::Function::New(env, Randint, "randint"));
  exports.Set("randperm", Napi::Function::New(env, Randperm, "randperm"));
  exports.Set("bernoulli", Napi::Function::New(env, Bernoulli, "bernoulli"));
  exports.Set("getRngState", Napi::Function::New(env, GetRngState, "getRngState"));
  exports.Set("setRngState", Napi::Function::New(env, SetRngState, "setRngState"));
}

}  // namespace tl
