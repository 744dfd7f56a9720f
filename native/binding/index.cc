// assign (strided copy between views, with cast), indexSelect, indexAdd.
#include <cstdint>

#include "binding/args.h"
#include "binding/families.h"
#include "kernels/index.h"

namespace tl {

namespace {

// Byte span [lo, hi) reached by a strided view, for the overlap check.
void Span(const Array& a, int64_t off, const std::vector<int64_t>& shape, const std::vector<int64_t>& strides,
          uintptr_t* lo, uintptr_t* hi) {
  size_t es = a.dtype == Dtype::F64 ? 8 : 4;
  int64_t last = off;
  for (size_t d = 0; d < shape.size(); d++) last += (shape[d] - 1) * strides[d];
  *lo = reinterpret_cast<uintptr_t>(a.data) + static_cast<uintptr_t>(off) * es;
  *hi = reinterpret_cast<uintptr_t>(a.data) + static_cast<uintptr_t>(last + 1) * es;
}

template <typename TD>
void AssignTo(const std::vector<int64_t>& shape, const Array& src, int64_t so, const std::vector<int64_t>& ss,
              TD* dst, const std::vector<int64_t>& ds) {
  const int nd = static_cast<int>(shape.size());
  switch (src.dtype) {
    case Dtype::F32: assign_strided<TD, float>(nd, shape.data(), src.as<float>() + so, ss.data(), dst, ds.data()); break;
    case Dtype::F64: assign_strided<TD, double>(nd, shape.data(), src.as<double>() + so, ss.data(), dst, ds.data()); break;
    case Dtype::I32: assign_strided<TD, int32_t>(nd, shape.data(), src.as<int32_t>() + so, ss.data(), dst, ds.data()); break;
  }
}

// assign(shape, src, srcOffset, srcStrides, dst, dstOffset, dstStrides)
Napi::Value Assign(const Napi::CallbackInfo& info) {
  const char* op = "assign";
  Napi::Env env = info.Env();
  auto shape = ArgInts(info, 0, op, "shape", 0, int64_t(1) << 52);
  Array src = ArgArray(info, 1, op, "src", kAny);
  int64_t so = ArgInt(info, 2, op, "srcOffset");
  auto ss = ArgInts(info, 3, op, "srcStrides", 0, int64_t(1) << 52);
  Array dst = ArgArray(info, 4, op, "dst", kAny);
  int64_t dof = ArgInt(info, 5, op, "dstOffset");
  auto ds = ArgInts(info, 6, op, "dstStrides", 0, int64_t(1) << 52);
  RequireStridedInBounds(env, op, "src", src, so, shape, ss);
  RequireStridedInBounds(env, op, "dst", dst, dof, shape, ds);
  for (int64_t s : shape)
    if (s == 0) return env.Undefined();
  uintptr_t slo, shi, dlo, dhi;
  Span(src, so, shape, ss, &slo, &shi);
  Span(dst, dof, shape, ds, &dlo, &dhi);
  if (slo < dhi && dlo < shi)
    ThrowRange(env, "assign: source and destination overlap in memory; clone() the source first");
  switch (dst.dtype) {
    case Dtype::F32: AssignTo(shape, src, so, ss, dst.as<float>() + dof, ds); break;
    case Dtype::F64: AssignTo(shape, src, so, ss, dst.as<double>() + dof, ds); break;
    case Dtype::I32: AssignTo(shape, src, so, ss, dst.as<int32_t>() + dof, ds); break;
  }
  return env.Undefined();
}

struct AxisView {
  int64_t outer, n, inner;
};

AxisView ArgAxisView(const Napi::CallbackInfo& info, size_t i, const char* op) {
  AxisView v;
  v.outer = ArgInt(info, i, op, "outer");
  v.n = ArgInt(info, i + 1, op, "n");
  v.inner = ArgInt(info, i + 2, op, "inner");
  return v;
}

void CheckIndices(Napi::Env env, const char* op, const Array& idx, int64_t n) {
  const int32_t* p = idx.as<int32_t>();
  for (size_t j = 0; j < idx.length; j++)
    if (p[j] < 0 || p[j] >= n)
      ThrowRange(env, std::string(op) + ": index " + std::to_string(p[j]) + " is out of range for a dimension of size " +
                          std::to_string(n));
}

// indexSelect(x, outer, n, inner, indices, out): out (outer, m, inner) = x (outer, n, inner)[:, indices, :]
Napi::Value IndexSelect(const Napi::CallbackInfo& info) {
  const char* op = "indexSelect";
  Napi::Env env = info.Env();
  Array x = ArgArray(info, 0, op, "x", kAny);
  AxisView v = ArgAxisView(info, 1, op);
  Array idx = ArgArray(info, 4, op, "indices", kI32);
  Array out = ArgArray(info, 5, op, "out", kAny);
  RequireSameDtype(env, op, "x", x, "out", out);
  const __int128 need = static_cast<__int128>(v.outer) * v.n * v.inner;
  if (need != static_cast<__int128>(x.length)) RequireLength(env, op, "x", x, static_cast<size_t>(need > 0 ? need : 0));
  RequireLength(env, op, "out", out, static_cast<size_t>(v.outer * static_cast<int64_t>(idx.length) * v.inner));
  CheckIndices(env, op, idx, v.n);
  const int64_t m = static_cast<int64_t>(idx.length);
  switch (x.dtype) {
    case Dtype::F32: index_select(x.as<float>(), v.outer, v.n, v.inner, idx.as<int32_t>(), m, out.as<float>()); break;
    case Dtype::F64: index_select(x.as<double>(), v.outer, v.n, v.inner, idx.as<int32_t>(), m, out.as<double>()); break;
    case Dtype::I32: index_select(x.as<int32_t>(), v.outer, v.n, v.inner, idx.as<int32_t>(), m, out.as<int32_t>()); break;
  }
  return env.Undefined();
}

// indexAdd(acc, outer, n, inner, indices, src): acc[:, indices[j], :] += src[:, j, :]
Napi::Value IndexAdd(const Napi::CallbackInfo& info) {
  const char* op = "indexAdd";
  Napi::Env env = info.Env();
  Array acc = ArgArray(info, 0, op, "acc", kAny);
  AxisView v = ArgAxisView(info, 1, op);
  Array idx = ArgArray(info, 4, op, "indices", kI32);
  Array src = ArgArray(info, 5, op, "src", kAny);
  RequireSameDtype(env, op, "acc", acc, "src", src);
  const __int128 need = static_cast<__int128>(v.outer) * v.n * v.inner;
  if (need != static_cast<__int128>(acc.length)) RequireLength(env, op, "acc", acc, static_cast<size_t>(need > 0 ? need : 0));
  RequireLength(env, op, "src", src, static_cast<size_t>(v.outer * static_cast<int64_t>(idx.length) * v.inner));
  CheckIndices(env, op, idx, v.n);
  const int64_t m = static_cast<int64_t>(idx.length);
  switch (acc.dtype) {
    case Dtype::F32: index_add(acc.as<float>(), v.outer, v.n, v.inner, idx.as<int32_t>(), m, src.as<float>()); break;
    case Dtype::F64: index_add(acc.as<double>(), v.outer, v.n, v.inner, idx.as<int32_t>(), m, src.as<double>()); break;
    case Dtype::I32: index_add(acc.as<int32_t>(), v.outer, v.n, v.inner, idx.as<int32_t>(), m, src.as<int32_t>()); break;
  }
  return env.Undefined();
}

}  // namespace

void InitIndex(Napi::Env env, Napi::Object exports) {
  exports.Set("assign", Napi::Function::New(env, Assign, "assign"));
  exports.Set("indexSelect", Napi::Function::New(env, IndexSelect, "indexSelect"));
  exports.Set("indexAdd", Napi::Function::New(env, IndexAdd, "indexAdd"));
}

}  // namespace tl
