// The thread pool's settings and the FMA peak measurement.
#include <string>

#include "binding/args.h"
#include "binding/families.h"
#include "kernels/peak.h"
#include "runtime/cpu.h"
#include "runtime/thread_pool.h"

namespace tl {

namespace {

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), num_threads()); }

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  RequireArgs(info, "setNumThreads", 1);
  set_num_threads(static_cast<int>(ArgInt(info, 0, "setNumThreads", "n", 1, kMaxThreads)));
  return info.Env().Undefined();
}

Napi::Value GetFlushDenormal(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), flush_denormals()); }

Napi::Value SetFlushDenormal(const Napi::CallbackInfo& info) {
  RequireArgs(info, "setFlushDenormal", 1);
  set_flush_denormals(ArgBool(info, 0, "setFlushDenormal", "on"));
  return info.Env().Undefined();
}

// fmaPeak(isa, threads, seconds) -> GFLOP/s (float32) of `threads` threads
// (at most the pool's), measured for `seconds` of wall time whatever the thread count.
constexpr double kMaxPeakSeconds = 5;
Napi::Value FmaPeak(const Napi::CallbackInfo& info) {
  const char* op = "fmaPeak";
  RequireArgs(info, op, 3);
  std::string name = ArgString(info, 0, op, "isa");
  const int threads = static_cast<int>(ArgInt(info, 1, op, "threads", 1, kMaxThreads));
  if (threads > num_threads())
    ThrowRange(info.Env(), "fmaPeak: argument 'threads' is " + std::to_string(threads) + " but the thread pool has " +
                               std::to_string(num_threads()) + " (setNumThreads)");
  const double seconds = ArgNumber(info, 2, op, "seconds");
  if (!(seconds > 0 && seconds <= kMaxPeakSeconds))
    ThrowRange(info.Env(), "fmaPeak: argument 'seconds' must be in (0, " + JsNumber(kMaxPeakSeconds) + "], got " +
                               JsNumber(seconds));
  Isa isa;
  if (!parse_isa(name, &isa))
    ThrowRange(info.Env(), "fmaPeak: unknown instruction set '" + name + "'; expected scalar, avx2 or avx512");
  if (isa > detected_isa())
    ThrowRange(info.Env(), "fmaPeak: this CPU does not support " + name);
  return Napi::Number::New(info.Env(), fma_peak_gflops(isa, threads, seconds));
}

}  // namespace

void InitThreads(Napi::Env env, Napi::Object exports) {
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getFlushDenormal", Napi::Function::New(env, GetFlushDenormal, "getFlushDenormal"));
  exports.Set("setFlushDenormal", Napi::Function::New(env, SetFlushDenormal, "setFlushDenormal"));
  exports.Set("fmaPeak", Napi::Function::New(env, FmaPeak, "fmaPeak"));
}

}  // namespace tl
