#include "binding/args.h"

#include <cmath>

namespace tl {

void ThrowType(Napi::Env env, const std::string& msg) { throw Napi::TypeError::New(env, msg); }
void ThrowRange(Napi::Env env, const std::string& msg) { throw Napi::RangeError::New(env, msg); }

std::string Describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) return "number";
  if (v.IsBoolean()) return "boolean";
  if (v.IsString()) return "string";
  if (v.IsTypedArray()) {
    const char* names[] = {"Int8Array",    "Uint8Array",   "Uint8ClampedArray", "Int16Array",
                           "Uint16Array",  "Int32Array",   "Uint32Array",       "Float32Array",
                           "Float64Array", "BigInt64Array", "BigUint64Array"};
    auto ta = v.As<Napi::TypedArray>();
    auto t = static_cast<size_t>(ta.TypedArrayType());
    std::string name = t < sizeof(names) / sizeof(names[0]) ? names[t] : "TypedArray";
    return name + "(" + std::to_string(ta.ElementLength()) + ")";
  }
  if (v.IsArrayBuffer()) return "ArrayBuffer";
  if (v.IsArray()) return "Array";
  if (v.IsFunction()) return "function";
  if (v.IsBigInt()) return "bigint";
  return "object";
}

static std::string Prefix(const char* op, const char* name) {
  return std::string(op) + ": argument '" + name + "'";
}

static std::string KindsText(unsigned kinds) {
  std::string s;
  auto add = [&](const char* n) { s += s.empty() ? n : std::string(" or ") + n; };
  if (kinds & kF32) add("Float32Array");
  if (kinds & kF64) add("Float64Array");
  if (kinds & kI32) add("Int32Array");
  return s;
}

Array ArgArray(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, unsigned kinds) {
  Napi::Env env = info.Env();
  Napi::Value v = info[i];
  Array out;
  bool ok = false;
  if (v.IsTypedArray()) {
    auto ta = v.As<Napi::TypedArray>();
    switch (ta.TypedArrayType()) {
      case napi_float32_array: out.dtype = Dtype::F32; ok = kinds & kF32; break;
      case napi_float64_array: out.dtype = Dtype::F64; ok = kinds & kF64; break;
      case napi_int32_array: out.dtype = Dtype::I32; ok = kinds & kI32; break;
      default: break;
    }
    if (ok) {
      out.length = ta.ElementLength();
      Napi::ArrayBuffer buf = ta.ArrayBuffer();
      // A detached buffer reports length 0 and no data; treat it as empty.
      out.data = buf.Data() ? static_cast<uint8_t*>(buf.Data()) + ta.ByteOffset() : nullptr;
      if (!out.data) out.length = 0;
    }
  }
  if (!ok) ThrowType(env, Prefix(op, name) + " must be a " + KindsText(kinds) + ", got " + Describe(v));
  return out;
}

Array ArgArrayOrNull(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, unsigned kinds) {
  if (info[i].IsNull() || info[i].IsUndefined()) return Array{};
  return ArgArray(info, i, op, name, kinds);
}

double ArgAnyNumber(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (!info[i].IsNumber()) ThrowType(info.Env(), Prefix(op, name) + " must be a number, got " + Describe(info[i]));
  return info[i].As<Napi::Number>().DoubleValue();
}

double ArgNumber(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  double x = ArgAnyNumber(info, i, op, name);
  if (!std::isfinite(x)) ThrowRange(info.Env(), Prefix(op, name) + " must be finite, got " + std::to_string(x));
  return x;
}

int64_t ArgInt(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, int64_t lo, int64_t hi) {
  double x = ArgAnyNumber(info, i, op, name);
  if (!(x == std::floor(x)) || x < static_cast<double>(lo) || x > static_cast<double>(hi))
    ThrowRange(info.Env(), Prefix(op, name) + " must be an integer in [" + std::to_string(lo) + ", " +
                               std::to_string(hi) + "], got " + Napi::Number::New(info.Env(), x).ToString().Utf8Value());
  return static_cast<int64_t>(x);
}

bool ArgBool(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (!info[i].IsBoolean()) ThrowType(info.Env(), Prefix(op, name) + " must be a boolean, got " + Describe(info[i]));
  return info[i].As<Napi::Boolean>().Value();
}

std::string ArgString(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (!info[i].IsString()) ThrowType(info.Env(), Prefix(op, name) + " must be a string, got " + Describe(info[i]));
  return info[i].As<Napi::String>().Utf8Value();
}

std::vector<int64_t> ArgInts(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, int64_t lo,
                             int64_t hi) {
  Napi::Env env = info.Env();
  if (!info[i].IsArray()) ThrowType(env, Prefix(op, name) + " must be an Array of integers, got " + Describe(info[i]));
  auto arr = info[i].As<Napi::Array>();
  if (arr.Length() > kMaxDims)
    ThrowRange(env, Prefix(op, name) + " has " + std::to_string(arr.Length()) + " entries, at most " +
                        std::to_string(kMaxDims) + " allowed");
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) {
    Napi::Value e = arr.Get(k);
    double x = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : NAN;
    if (!(x == std::floor(x)) || x < static_cast<double>(lo) || x > static_cast<double>(hi))
      ThrowRange(env, Prefix(op, name) + "[" + std::to_string(k) + "] must be an integer in [" + std::to_string(lo) +
                          ", " + std::to_string(hi) + "], got " + e.ToString().Utf8Value());
    out[k] = static_cast<int64_t>(x);
  }
  return out;
}

void RequireSameDtype(Napi::Env env, const char* op, const char* na, const Array& a, const char* nb, const Array& b) {
  if (a.dtype != b.dtype)
    ThrowType(env, std::string(op) + ": arguments '" + na + "' and '" + nb + "' must have the same type, got " +
                       dtype_name(a.dtype) + " and " + dtype_name(b.dtype));
}

void RequireLength(Napi::Env env, const char* op, const char* name, const Array& a, size_t n) {
  if (a.length != n)
    ThrowRange(env, Prefix(op, name) + " has length " + std::to_string(a.length) + ", expected " + std::to_string(n));
}

void RequireSameLength(Napi::Env env, const char* op, const char* na, const Array& a, const char* nb, const Array& b) {
  if (a.length != b.length)
    ThrowRange(env, std::string(op) + ": arguments '" + na + "' and '" + nb + "' must have the same length, got " +
                        std::to_string(a.length) + " and " + std::to_string(b.length));
}

void RequireStridedInBounds(Napi::Env env, const char* op, const char* name, const Array& a, int64_t offset,
                            const std::vector<int64_t>& shape, const std::vector<int64_t>& strides) {
  if (shape.size() != strides.size())
    ThrowRange(env, std::string(op) + ": shape has " + std::to_string(shape.size()) + " dims but '" + name +
                        "' strides has " + std::to_string(strides.size()));
  if (offset < 0) ThrowRange(env, Prefix(op, name) + " offset " + std::to_string(offset) + " is negative");
  // Use long double-free overflow-safe arithmetic: every term is < 2^53.
  __int128 last = offset;
  for (size_t d = 0; d < shape.size(); d++) {
    if (shape[d] == 0) return;  // empty view: nothing is read
    if (strides[d] < 0) ThrowRange(env, Prefix(op, name) + " has a negative stride");
    last += static_cast<__int128>(shape[d] - 1) * strides[d];
  }
  if (last >= static_cast<__int128>(a.length))
    ThrowRange(env, Prefix(op, name) + ": view (offset " + std::to_string(offset) + ") reaches element " +
                        std::to_string(static_cast<long long>(last)) + " but the array has length " +
                        std::to_string(a.length));
}

void RequireMatrixInBounds(Napi::Env env, const char* op, const char* name, const Array& a, int64_t offset,
                           int64_t rows, int64_t cols, int64_t ld) {
  if (offset < 0) ThrowRange(env, Prefix(op, name) + " offset " + std::to_string(offset) + " is negative");
  if (rows == 0 || cols == 0) return;
  if (ld < cols)
    ThrowRange(env, Prefix(op, name) + " leading dimension " + std::to_string(ld) + " is smaller than its " +
                        std::to_string(cols) + " columns");
  __int128 last = static_cast<__int128>(offset) + static_cast<__int128>(rows - 1) * ld + (cols - 1);
  if (last >= static_cast<__int128>(a.length))
    ThrowRange(env, Prefix(op, name) + ": a " + std::to_string(rows) + "x" + std::to_string(cols) +
                        " matrix at offset " + std::to_string(offset) + " with ld " + std::to_string(ld) +
                        " needs " + std::to_string(static_cast<long long>(last + 1)) + " elements, array has " +
                        std::to_string(a.length));
}

}  // namespace tl

#include <map>
#include <memory>

namespace tl {

uint64_t ShapeNumel(Napi::Env env, const char* op, const char* name, const std::vector<int64_t>& shape) {
  unsigned __int128 n = 1;
  for (int64_t s : shape) {
    if (s == 0) return 0;
    n *= static_cast<unsigned __int128>(s);
    if (n > (static_cast<unsigned __int128>(1) << 53))
      ThrowRange(env, Prefix(op, name) + " has more than 2^53 elements");
  }
  return static_cast<uint64_t>(n);
}

namespace {
struct EnvSlots {
  struct Slot {
    void* p;
    void (*destroy)(void*);
  };
  std::map<const void*, Slot> slots;
  ~EnvSlots() {
    for (auto& kv : slots) kv.second.destroy(kv.second.p);
  }
};
}  // namespace

void* EnvSlotGet(Napi::Env env, const void* key) {
  auto* s = env.GetInstanceData<EnvSlots>();
  if (!s) return nullptr;
  auto it = s->slots.find(key);
  return it == s->slots.end() ? nullptr : it->second.p;
}

void EnvSlotSet(Napi::Env env, const void* key, void* p, void (*destroy)(void*)) {
  auto* s = env.GetInstanceData<EnvSlots>();
  if (!s) {
    s = new EnvSlots();
    env.SetInstanceData(s);  // node-addon-api deletes it when the env goes away
  }
  s->slots[key] = EnvSlots::Slot{p, destroy};
}

}  // namespace tl

namespace tl {

View3 ArgView3(const Napi::CallbackInfo& info, size_t i, const char* op) {
  View3 v;
  v.outer = ArgInt(info, i, op, "outer");
  v.n = ArgInt(info, i + 1, op, "n");
  v.inner = ArgInt(info, i + 2, op, "inner");
  return v;
}

void RequireView3(Napi::Env env, const char* op, const char* name, const Array& a, const View3& v) {
  unsigned __int128 need = static_cast<unsigned __int128>(v.outer) * static_cast<unsigned __int128>(v.n) *
                           static_cast<unsigned __int128>(v.inner);
  if (need != a.length)
    ThrowRange(env, Prefix(op, name) + " has length " + std::to_string(a.length) + ", expected outer*n*inner = " +
                        std::to_string(v.outer) + "*" + std::to_string(v.n) + "*" + std::to_string(v.inner));
}

}  // namespace tl
