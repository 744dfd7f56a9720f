// Argument checking for the N-API glue. Every binding unpacks its arguments
// through these helpers, so that a wrong type or size becomes a JS TypeError
// or RangeError naming the native function and the argument, never a crash:
//   "gemm: argument 'a' must be a Float32Array or Float64Array, got number"
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
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
struct Array {
  void* data = nullptr;
  size_t length = 0;
  Dtype dtype = Dtype::F32;
  template <typename T> T* as() const { return static_cast<T*>(data); }
};

[[noreturn]] void ThrowType(Napi::Env env, const std::string& msg);
[[noreturn]] void ThrowRange(Napi::Env env, const std::string& msg);
std::string Describe(const Napi::Value& v);  // "number", "Float64Array(3)", "undefined" ...

// Kinds accepted by ArgArray.
enum : unsigned { kF32 = 1, kF64 = 2, kI32 = 4, kFloat = kF32 | kF64, kAny = kF32 | kF64 | kI32 };

// Typed array argument `i`; `kinds` is a mask of the accepted element types.
Array ArgArray(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, unsigned kinds);
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

}  // namespace tl

namespace tl {

// Number of elements of `shape` (entries >= 0); RangeError naming op and the
// argument if the product exceeds 2^53 (no typed array can be that long).
uint64_t ShapeNumel(Napi::Env env, const char* op, const char* name, const std::vector<int64_t>& shape);

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
// arguments at i, i+1, i+2 named "outer", "n", "inner".
struct View3 {
  int64_t outer, n, inner;
  uint64_t size() const { return static_cast<uint64_t>(outer) * n * inner; }
  uint64_t rest() const { return static_cast<uint64_t>(outer) * inner; }  // outer*inner
};
View3 ArgView3(const Napi::CallbackInfo& info, size_t i, const char* op);
// length(a) == outer*n*inner (overflow-safe), else RangeError with the view.
void RequireView3(Napi::Env env, const char* op, const char* name, const Array& a, const View3& v);

}  // namespace tl
