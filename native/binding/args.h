// Argument checking for the N-API glue. Every binding unpacks its arguments
// through these helpers, so that a wrong type or size becomes a JS TypeError
// or RangeError naming the native function and the argument, never a crash:
//   "gemm: argument 'a' must be a Float32Array or Float64Array, got number"
//
// Rules every binding follows:
// 1. First RequireArgs(info, op, n): at least the n arguments of binding.d.ts.
// 2. Parse every JS-array argument (ArgInts, ArgList) BEFORE any typed-array argument
//    (ArgArray / ArgArrayOrNull). ArgInts reads array elements with [[Get]],
//    which runs user JS (getters on the array or on Array.prototype for
//    holes); that JS could detach or transfer the ArrayBuffer behind a typed
//    array already unpacked into an Array (a raw pointer and length), and the
//    kernel would then touch freed memory. ArgInts and ArgList are the only parsers that
//    can run user JS: ArgArray, ArgArrayOrNull, ArgNumber, ArgAnyNumber,
//    ArgInt, ArgBool and ArgString only test the value's type (napi_typeof,
//    napi_is_typedarray, ...) and read primitives or typed-array info, never
//    coercing (no valueOf/toString/Symbol.toPrimitive) and never calling
//    getters; Describe likewise. So once the first Array is unpacked, no JS
//    runs until the kernel returns.
// 3. Every product of sizes is checked against 2^53 before use (ShapeNumel,
//    ArgView3, CheckedProduct); no size arithmetic may wrap.
// 4. An output may share memory with an input only where the kernel supports
//    it (RequireDisjoint / RequireSameOrDisjoint, see binding.d.ts).
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace tl {

enum class Dtype { F32 = 0, F64 = 1, I32 = 2 };

inline const char* dtype_name(Dtype d) {
  switch (d) {
    case Dtype::F32: return "Float32Array";
    case Dtype::F64: return "Float64Array";
    default: return "Int32Array";
  }
}

// A typed array as the kernels see it: base pointer and element count.
// data is nullptr when length is 0 (also for a detached buffer).
struct Array {
  void* data = nullptr;
  size_t length = 0;
  Dtype dtype = Dtype::F32;
  template <typename T> T* as() const { return static_cast<T*>(data); }
  size_t elem_size() const { return dtype == Dtype::F64 ? 8 : 4; }
};

[[noreturn]] void ThrowType(Napi::Env env, const std::string& msg);
[[noreturn]] void ThrowRange(Napi::Env env, const std::string& msg);
std::string Describe(const Napi::Value& v);  // "number", "Float64Array(3)", "undefined" ...
// A number as JavaScript's String(x) prints it ("2", "-0.5", "1e-7", "NaN",
// "Infinity"), for error messages; never std::to_string ("2.000000", "-nan").
std::string JsNumber(double x);

// Whether typed array v is backed by a SharedArrayBuffer (false for other values).
bool IsSharedBacked(const Napi::Value& v);
// TypeError "gemm: expected 17 arguments, got 16" unless info.Length() >= n.
void RequireArgs(const Napi::CallbackInfo& info, const char* op, size_t n);

// Kinds accepted by ArgArray.
enum : unsigned { kF32 = 1, kF64 = 2, kI32 = 4, kFloat = kF32 | kF64, kAny = kF32 | kF64 | kI32 };

// Typed array argument `i`; `kinds` is a mask of the accepted element types.
// Typed arrays backed by a SharedArrayBuffer are rejected (TypeError): another
// thread could change them between the binding's checks and the kernel (e.g.
// indices checked in range, then rewritten), which would make those checks
// worthless.
Array ArgArray(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, unsigned kinds);
// The same check on any value (an element of an ArgList), named e.g. "params[3]".
Array ValueArray(Napi::Env env, Napi::Value v, const char* op, const std::string& name, unsigned kinds);
// The elements of a JS Array argument, read once (at most max_len). Like
// ArgInts this runs user JS (getters), so it comes before any ArgArray, and the
// values are unpacked with ValueArray only after every list has been read.
std::vector<Napi::Value> ArgList(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name,
                                 size_t max_len);
// Same, but `null`/`undefined` give an Array with data == nullptr.
Array ArgArrayOrNull(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, unsigned kinds);
// A finite number.
double ArgNumber(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
// A number (NaN and infinities allowed), e.g. a fill value or clamp bound.
double ArgAnyNumber(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
// An integer in [lo, hi].
int64_t ArgInt(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name,
               int64_t lo = 0, int64_t hi = (int64_t(1) << 53));
bool ArgBool(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
std::string ArgString(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
// A JS array of non-negative integers (a shape) or of integers (strides), at most kMaxDims long.
// Reading its elements may run user JS (getters): see rule 2 above.
constexpr size_t kMaxDims = 16;
std::vector<int64_t> ArgInts(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name,
                             int64_t lo, int64_t hi);

void RequireSameDtype(Napi::Env env, const char* op, const char* na, const Array& a, const char* nb, const Array& b);
// length(a) == n, else RangeError "op: argument 'a' has length 5, expected 6".
void RequireLength(Napi::Env env, const char* op, const char* name, const Array& a, size_t n);
void RequireSameLength(Napi::Env env, const char* op, const char* na, const Array& a, const char* nb, const Array& b);
// Checks that every element reached by (offset, shape, strides) lies inside a,
// i.e. offset + sum((shape[d]-1) * strides[d]) < length (all strides >= 0).
void RequireStridedInBounds(Napi::Env env, const char* op, const char* name, const Array& a, int64_t offset,
                            const std::vector<int64_t>& shape, const std::vector<int64_t>& strides);
// Checks a row-major matrix view: rows x cols elements with leading dimension ld.
void RequireMatrixInBounds(Napi::Env env, const char* op, const char* name, const Array& a, int64_t offset,
                           int64_t rows, int64_t cols, int64_t ld);

// Whether a and b share at least one byte (whole arrays; empty arrays share nothing).
bool Overlap(const Array& a, const Array& b);
// RangeError "op: arguments 'a' and 'b' overlap in memory" if they share a byte.
void RequireDisjoint(Napi::Env env, const char* op, const char* na, const Array& a, const char* nb, const Array& b);
// For kernels that read each element of `in` before writing the element of
// `out` at the same index: out may be exactly `in` (same start, length and
// type) or disjoint from it; any other overlap is a RangeError.
void RequireSameOrDisjoint(Napi::Env env, const char* op, const char* nout, const Array& out, const char* nin,
                           const Array& in);

}  // namespace tl

namespace tl {

// Number of elements of `shape` (entries >= 0); RangeError naming op and the
// argument if the product exceeds 2^53 (no typed array can be that long).
uint64_t ShapeNumel(Napi::Env env, const char* op, const char* name, const std::vector<int64_t>& shape);
// Product of sizes in [0, 2^53], 0 if any is 0, checked factor by factor
// (never wraps); RangeError "op: what = a*b*c is more than 2^53" if it exceeds 2^53.
// `what` names the factors, e.g. "outer*n*inner".
uint64_t CheckedProduct(Napi::Env env, const char* op, const char* what, std::initializer_list<int64_t> factors);

// Per-env (per JS thread: main thread or one worker) state of the addon, e.g.
// the random generator. All families share the env's single instance-data
// slot through this registry, so nothing else may call Env::SetInstanceData.
// The first call for a type creates a T with `new T()`; it is deleted when the
// env is torn down (the worker exits).
void* EnvSlotGet(Napi::Env env, const void* key);
void EnvSlotSet(Napi::Env env, const void* key, void* p, void (*destroy)(void*));
template <typename T>
T& EnvState(Napi::Env env) {
  static const char key = 0;  // one address per T across the addon
  void* p = EnvSlotGet(env, &key);
  if (!p) {
    T* t = new T();
    EnvSlotSet(env, &key, t, [](void* q) { delete static_cast<T*>(q); });
    p = t;
  }
  return *static_cast<T*>(p);
}

}  // namespace tl

namespace tl {

// An (outer, n, inner) view of a contiguous array, read from three integer
// arguments at i, i+1, i+2 named "outer", "n", "inner". ArgView3 checks that
// outer*n*inner and outer*inner are at most 2^53 (RangeError naming op and
// the three values), so size() and rest() never wrap.
struct View3 {
  int64_t outer = 0, n = 0, inner = 0;
  uint64_t numel = 0;    // outer*n*inner
  uint64_t outer_inner = 0;  // outer*inner
  uint64_t size() const { return numel; }
  uint64_t rest() const { return outer_inner; }
};
View3 ArgView3(const Napi::CallbackInfo& info, size_t i, const char* op);
// length(a) == outer*n*inner, else RangeError with the view.
void RequireView3(Napi::Env env, const char* op, const char* name, const Array& a, const View3& v);

}  // namespace tl
