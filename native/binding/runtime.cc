// Runtime queries: storage alignment, instruction sets.
#include <cstdint>

#include "binding/args.h"
#include "binding/families.h"
#include "runtime/cpu.h"

namespace tl {

namespace {

// alignedOffset(buf): bytes to skip from the start of `buf` so that the data
// starts on a 64-byte boundary (storage is over-allocated by 64 bytes).
Napi::Value AlignedOffset(const Napi::CallbackInfo& info) {
  RequireArgs(info, "alignedOffset", 1);
  if (!info[0].IsArrayBuffer())
    ThrowType(info.Env(), "alignedOffset: argument 'buffer' must be an ArrayBuffer, got " + Describe(info[0]));
  auto buf = info[0].As<Napi::ArrayBuffer>();
  auto addr = reinterpret_cast<uintptr_t>(buf.Data());
  return Napi::Number::New(info.Env(), static_cast<double>((64 - (addr & 63)) & 63));
}

Napi::Value ActiveIsa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), isa_name(active_isa())); }
Napi::Value DetectedIsa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), isa_name(detected_isa()));
}

Napi::Value AvailableIsas(const Napi::CallbackInfo& info) {
  auto isas = available_isas();
  auto arr = Napi::Array::New(info.Env(), isas.size());
  for (size_t i = 0; i < isas.size(); i++) arr.Set(static_cast<uint32_t>(i), isa_name(isas[i]));
  return arr;
}

Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  RequireArgs(info, "setIsa", 1);
  std::string name = ArgString(info, 0, "setIsa", "name");
  Isa isa;
  if (!parse_isa(name, &isa))
    ThrowRange(info.Env(), "setIsa: unknown instruction set '" + name + "'; expected scalar, avx2 or avx512");
  if (!set_active_isa(isa))
    ThrowRange(info.Env(), "setIsa: this CPU does not support " + name + " (it supports up to " +
                               isa_name(detected_isa()) + ")");
  return info.Env().Undefined();
}

}  // namespace

void InitRuntime(Napi::Env env, Napi::Object exports) {
  exports.Set("alignedOffset", Napi::Function::New(env, AlignedOffset, "alignedOffset"));
  exports.Set("activeIsa", Napi::Function::New(env, ActiveIsa, "activeIsa"));
  exports.Set("detectedIsa", Napi::Function::New(env, DetectedIsa, "detectedIsa"));
  exports.Set("availableIsas", Napi::Function::New(env, AvailableIsas, "availableIsas"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
}

}  // namespace tl
