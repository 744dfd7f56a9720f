#include "binding/args.h"

#include <charconv>
#include <cmath>

namespace tl {

void ThrowType(Napi::Env env, const std::string& msg) { throw Napi::TypeError::New(env, msg); }
void ThrowRange(Napi::Env env, const std::string& msg) { throw Napi::RangeError::New(env, msg); }

// Whether typed array v's buffer is a SharedArrayBuffer: napi_is_arraybuffer
// is false for those (N-API 8 has no direct test).
bool IsSharedBacked(const Napi::Value& v) {
  if (!v.IsTypedArray()) return false;
  napi_value ab = nullptr;
  if (napi_get_typedarray_info(v.Env(), v, nullptr, nullptr, nullptr, &ab, nullptr) != napi_ok || !ab) return false;
  bool is_ab = false;
  if (napi_is_arraybuffer(v.Env(), ab, &is_ab) != napi_ok) return false;
  return !is_ab;
}

std::string Describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) return "number";
  if (v.IsBoolean()) return "boolean";
  if (v.IsString()) return "string";
  if (v.IsSymbol()) return "symbol";
  if (v.IsTypedArray()) {
    const char* names[] = {"Int8Array",    "Uint8Array",   "Uint8ClampedArray", "Int16Array",
                           "Uint16Array",  "Int32Array",   "Uint32Array",       "Float32Array",
                           "Float64Array", "BigInt64Array", "BigUint64Array"};
    auto ta = v.As<Napi::TypedArray>();
    auto t = static_cast<size_t>(ta.TypedArrayType());
    std::string name = t < sizeof(names) / sizeof(names[0]) ? names[t] : "TypedArray";
    return name + "(" + std::to_string(ta.ElementLength()) + ")" +
           (IsSharedBacked(v) ? " backed by a SharedArrayBuffer" : "");
  }
  if (v.IsArrayBuffer()) return "ArrayBuffer";
  if (v.IsArray()) return "Array";
  if (v.IsFunction()) return "function";
  if (v.IsBigInt()) return "bigint";
  return "object";
}

std::string JsNumber(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x == 0) return "0";  // -0 too, as String(-0)
  // The shortest digits that round-trip (as JS picks them), "d.ddde+XX", then
  // laid out by ECMAScript's Number::toString rules.
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  const bool neg = s[0] == '-';
  if (neg) s.erase(0, 1);
  const size_t e = s.find('e');
  const int n = std::stoi(s.substr(e + 1)) + 1;  // the decimal point sits after n digits
  std::string digits;
  for (size_t i = 0; i < e; i++)
    if (s[i] != '.') digits += s[i];
  const int k = static_cast<int>(digits.size());
  std::string out;
  if (k <= n && n <= 21) {
    out = digits + std::string(n - k, '0');
  } else if (0 < n && n <= 21) {
    out = digits.substr(0, n) + "." + digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out = "0." + std::string(-n, '0') + digits;
  } else {
    out = digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : "") + "e" + (n - 1 >= 0 ? "+" : "-") +
          std::to_string(std::abs(n - 1));
  }
  return neg ? "-" + out : out;
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

void RequireArgs(const Napi::CallbackInfo& info, const char* op, size_t n) {
  if (info.Length() < n)
    ThrowType(info.Env(), std::string(op) + ": expected " + std::to_string(n) + (n == 1 ? " argument" : " arguments") +
                              ", got " + std::to_string(info.Length()));
}

Array ArgArray(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, unsigned kinds) {
  return ValueArray(info.Env(), info[i], op, name, kinds);
}

Array ValueArray(Napi::Env env, Napi::Value v, const char* op, const std::string& name_s, unsigned kinds) {
  const char* name = name_s.c_str();
  Array out;
  bool ok = false;
  if (v.IsTypedArray()) {
    // napi_get_typedarray_info directly: it gives the data pointer (already
    // offset by the view's byteOffset) for any backing store and never runs JS.
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_status st = napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr);
    if (st != napi_ok) ThrowType(env, Prefix(op, name) + " could not be read as a typed array");
    switch (type) {
      case napi_float32_array: out.dtype = Dtype::F32; ok = kinds & kF32; break;
      case napi_float64_array: out.dtype = Dtype::F64; ok = kinds & kF64; break;
      case napi_int32_array: out.dtype = Dtype::I32; ok = kinds & kI32; break;
      default: break;
    }
    if (ok && IsSharedBacked(v))
      ThrowType(env, Prefix(op, name) + " must be a " + KindsText(kinds) +
                         " over an ordinary ArrayBuffer (SharedArrayBuffer is not supported), got " + Describe(v));
    if (ok) {
      // A detached buffer reports length 0 and no data; an empty array never
      // hands a pointer to a kernel.
      out.length = data ? length : 0;
      out.data = out.length ? data : nullptr;
    }
  }
  if (!ok) ThrowType(env, Prefix(op, name) + " must be a " + KindsText(kinds) + ", got " + Describe(v));
  return out;
}

std::vector<Napi::Value> ArgList(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name,
                                 size_t max_len) {
  Napi::Env env = info.Env();
  if (!info[i].IsArray()) ThrowType(env, Prefix(op, name) + " must be an Array, got " + Describe(info[i]));
  auto arr = info[i].As<Napi::Array>();
  const uint32_t len = arr.Length();  // read once: a getter may change it
  if (len > max_len)
    ThrowRange(env, Prefix(op, name) + " has " + std::to_string(len) + " entries, at most " + std::to_string(max_len) +
                        " allowed");
  std::vector<Napi::Value> out;
  out.reserve(len);
  for (uint32_t k = 0; k < len; k++) out.push_back(arr.Get(k));
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
  if (!std::isfinite(x)) ThrowRange(info.Env(), Prefix(op, name) + " must be finite, got " + JsNumber(x));
  return x;
}

int64_t ArgInt(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, int64_t lo, int64_t hi) {
  double x = ArgAnyNumber(info, i, op, name);
  if (!(x == std::floor(x)) || x < static_cast<double>(lo) || x > static_cast<double>(hi))
    ThrowRange(info.Env(), Prefix(op, name) + " must be an integer in [" + std::to_string(lo) + ", " +
                               std::to_string(hi) + "], got " + JsNumber(x));
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
  // Read the length once: arr.Get(k) may run a getter that grows or shrinks
  // the array; the entries read are those below the length seen here.
  const uint32_t len = arr.Length();
  if (len > kMaxDims)
    ThrowRange(env, Prefix(op, name) + " has " + std::to_string(len) + " entries, at most " +
                        std::to_string(kMaxDims) + " allowed");
  std::vector<int64_t> out(len);
  for (uint32_t k = 0; k < len; k++) {
    Napi::Value e = arr.Get(k);
    const bool num = e.IsNumber();
    double x = num ? e.As<Napi::Number>().DoubleValue() : NAN;
    if (!(x == std::floor(x)) || x < static_cast<double>(lo) || x > static_cast<double>(hi))
      // Numbers print as JS would ("0.5", "NaN"); anything else by its kind
      // (converting it could throw, e.g. a Symbol, or run user code).
      ThrowRange(env, Prefix(op, name) + "[" + std::to_string(k) + "] must be an integer in [" + std::to_string(lo) +
                          ", " + std::to_string(hi) + "], got " + (num ? JsNumber(x) : Describe(e)));
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

bool Overlap(const Array& a, const Array& b) {
  if (!a.data || !b.data || !a.length || !b.length) return false;
  auto a0 = reinterpret_cast<uintptr_t>(a.data), b0 = reinterpret_cast<uintptr_t>(b.data);
  return a0 < b0 + b.length * b.elem_size() && b0 < a0 + a.length * a.elem_size();
}

void RequireDisjoint(Napi::Env env, const char* op, const char* na, const Array& a, const char* nb, const Array& b) {
  if (Overlap(a, b))
    ThrowRange(env, std::string(op) + ": arguments '" + na + "' and '" + nb +
                        "' overlap in memory; use separate arrays");
}

void RequireSameOrDisjoint(Napi::Env env, const char* op, const char* nout, const Array& out, const char* nin,
                           const Array& in) {
  if (!Overlap(out, in)) return;
  if (out.data == in.data && out.length == in.length && out.dtype == in.dtype) return;
  ThrowRange(env, std::string(op) + ": argument '" + nout + "' partially overlaps '" + nin +
                      "' in memory; it may only be that very array or disjoint from it");
}

}  // namespace tl

#include <map>
#include <memory>

namespace tl {

uint64_t ShapeNumel(Napi::Env env, const char* op, const char* name, const std::vector<int64_t>& shape) {
  for (int64_t s : shape)
    if (s == 0) return 0;
  unsigned __int128 n = 1;
  for (int64_t s : shape) {
    n *= static_cast<unsigned __int128>(s);  // both factors <= 2^53: no wrap
    if (n > (static_cast<unsigned __int128>(1) << 53))
      ThrowRange(env, Prefix(op, name) + " has more than 2^53 elements");
  }
  return static_cast<uint64_t>(n);
}

uint64_t CheckedProduct(Napi::Env env, const char* op, const char* what, std::initializer_list<int64_t> factors) {
  std::string text;
  for (int64_t f : factors) text += (text.empty() ? "" : "*") + std::to_string(f);
  for (int64_t f : factors) {
    if (f < 0) ThrowRange(env, std::string(op) + ": " + what + " = " + text + " has a negative factor");
    if (f == 0) return 0;
  }
  const unsigned __int128 kMax = static_cast<unsigned __int128>(1) << 53;
  unsigned __int128 p = 1;
  for (int64_t f : factors) {
    // p <= 2^53 and f < 2^63: p * f < 2^116, no wrap.
    p *= static_cast<unsigned __int128>(f);
    if (p > kMax) ThrowRange(env, std::string(op) + ": " + what + " = " + text + " is more than 2^53");
  }
  return static_cast<uint64_t>(p);
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
  Napi::Env env = info.Env();
  View3 v;
  v.outer = ArgInt(info, i, op, "outer");
  v.n = ArgInt(info, i + 1, op, "n");
  v.inner = ArgInt(info, i + 2, op, "inner");
  v.numel = CheckedProduct(env, op, "outer*n*inner", {v.outer, v.n, v.inner});
  v.outer_inner = CheckedProduct(env, op, "outer*inner", {v.outer, v.inner});
  return v;
}

void RequireView3(Napi::Env env, const char* op, const char* name, const Array& a, const View3& v) {
  if (v.numel != a.length)
    ThrowRange(env, Prefix(op, name) + " has length " + std::to_string(a.length) + ", expected outer*n*inner = " +
                        std::to_string(v.outer) + "*" + std::to_string(v.n) + "*" + std::to_string(v.inner) + " = " +
                        std::to_string(v.numel));
}

}  // namespace tl
