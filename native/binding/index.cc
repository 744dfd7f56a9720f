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
  RequireArgs(info, op, 7);
  // JS arrays first: reading them may run user JS (args.h, rule 2).
  auto shape = ArgInts(info, 0, op, "shape", 0, int64_t(1) << 52);
  auto ss = ArgInts(info, 3, op, "srcStrides", 0, int64_t(1) << 52);
  auto ds = ArgInts(info, 6, op, "dstStrides", 0, int64_t(1) << 52);
  Array src = ArgArray(info, 1, op, "src", kAny);
  int64_t so = ArgInt(info, 2, op, "srcOffset");
  Array dst = ArgArray(info, 4, op, "dst", kAny);
  int64_t dof = ArgInt(info, 5, op, "dstOffset");
  RequireStridedInBounds(env, op, "src", src, so, shape, ss);
  RequireStridedInBounds(env, op, "dst", dst, dof, shape, ds);
  for (int64_t s : shape)
    if (s == 0) return env.Undefined();
  // The destination must not overlap itself (its writes would race with one
  // another and, with stride 0, a view of 2^104 elements fits in one element),
  // so it has at most dst.length elements: that bounds the work of the copy.
  for (size_t d = 0; d < shape.size(); d++)
    if (shape[d] > 1 && ds[d] == 0)
      ThrowRange(env, "assign: destination view overlaps itself (stride 0 in dim " + std::to_string(d) + ")");
  const uint64_t numel = ShapeNumel(env, op, "shape", shape);
  if (numel > dst.length)
    ThrowRange(env, "assign: the destination view has " + std::to_string(numel) +
                        " elements but argument 'dst' has length " + std::to_string(dst.length) +
                        ", so the view overlaps itself");
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

void CheckIndices(Napi::Env env, const char* op, const Array& idx, int64_t n) {
  const int32_t* p = idx.as<int32_t>();
  for (size_t j = 0; j < idx.length; j++)
    if (p[j] < 0 || p[j] >= n)
      ThrowRange(env, std::string(op) + ": index " + std::to_string(p[j]) + " is out of range for a dimension of size " +
                          std::to_string(n));
}

// The (outer, m, inner) side of indexSelect / indexAdd, m = indices.length:
// its element count, checked against 2^53 factor by factor.
uint64_t GatheredNumel(Napi::Env env, const char* op, const View3& v, const Array& idx) {
  return CheckedProduct(env, op, "outer*indices.length*inner",
                        {v.outer, static_cast<int64_t>(idx.length), v.inner});
}

// indexSelect(x, outer, n, inner, indices, out): out (outer, m, inner) = x (outer, n, inner)[:, indices, :]
Napi::Value IndexSelect(const Napi::CallbackInfo& info) {
  const char* op = "indexSelect";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 6);
  Array x = ArgArray(info, 0, op, "x", kAny);
  View3 v = ArgView3(info, 1, op);
  Array idx = ArgArray(info, 4, op, "indices", kI32);
  Array out = ArgArray(info, 5, op, "out", kAny);
  RequireSameDtype(env, op, "x", x, "out", out);
  RequireView3(env, op, "x", x, v);
  const uint64_t m_numel = GatheredNumel(env, op, v, idx);
  RequireLength(env, op, "out", out, static_cast<size_t>(m_numel));
  // out is written while x is still read, and indices would be re-read after
  // rows of out are written (an overwritten index would be out of range).
  RequireDisjoint(env, op, "out", out, "x", x);
  RequireDisjoint(env, op, "out", out, "indices", idx);
  CheckIndices(env, op, idx, v.n);
  // Empty out: nothing to write (and outer alone may be huge: no empty loop over it).
  if (m_numel == 0) return env.Undefined();
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
  RequireArgs(info, op, 6);
  Array acc = ArgArray(info, 0, op, "acc", kAny);
  View3 v = ArgView3(info, 1, op);
  Array idx = ArgArray(info, 4, op, "indices", kI32);
  Array src = ArgArray(info, 5, op, "src", kAny);
  RequireSameDtype(env, op, "acc", acc, "src", src);
  RequireView3(env, op, "acc", acc, v);
  const uint64_t m_numel = GatheredNumel(env, op, v, idx);
  RequireLength(env, op, "src", src, static_cast<size_t>(m_numel));
  // acc is written while src and indices are still read.
  RequireDisjoint(env, op, "acc", acc, "src", src);
  RequireDisjoint(env, op, "acc", acc, "indices", idx);
  CheckIndices(env, op, idx, v.n);
  if (m_numel == 0) return env.Undefined();
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
