// stridedCopy (gather a strided view into a contiguous array, with cast) and fill.
#include <cmath>
#include <cstdint>

#include "binding/args.h"
#include "binding/families.h"
#include "kernels/copy.h"

namespace tl {

namespace {

template <typename TD>
void CopyFrom(const std::vector<int64_t>& shape, const Array& src, int64_t off, const std::vector<int64_t>& st,
              TD* dst) {
  const int nd = static_cast<int>(shape.size());
  switch (src.dtype) {
    case Dtype::F32: copy::strided_copy<TD, float>(nd, shape.data(), src.as<float>() + off, st.data(), dst); break;
    case Dtype::F64: copy::strided_copy<TD, double>(nd, shape.data(), src.as<double>() + off, st.data(), dst); break;
    case Dtype::I32: copy::strided_copy<TD, int32_t>(nd, shape.data(), src.as<int32_t>() + off, st.data(), dst); break;
  }
}

// stridedCopy(src, offset, shape, strides, dst)
Napi::Value StridedCopy(const Napi::CallbackInfo& info) {
  const char* op = "stridedCopy";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 5);
  // JS arrays first: reading them may run user JS (args.h, rule 2).
  auto shape = ArgInts(info, 2, op, "shape", 0, int64_t(1) << 52);
  auto strides = ArgInts(info, 3, op, "strides", 0, int64_t(1) << 52);
  Array src = ArgArray(info, 0, op, "src", kAny);
  int64_t off = ArgInt(info, 1, op, "offset");
  Array dst = ArgArray(info, 4, op, "dst", kAny);
  RequireStridedInBounds(env, op, "src", src, off, shape, strides);
  // dst is contiguous with exactly numel elements: the copy's work is bounded by dst.length.
  uint64_t numel = ShapeNumel(env, op, "shape", shape);
  RequireLength(env, op, "dst", dst, static_cast<size_t>(numel));
  if (numel == 0) return env.Undefined();
  // Overlap would make the result depend on the traversal order.
  RequireDisjoint(env, op, "src", src, "dst", dst);
  switch (dst.dtype) {
    case Dtype::F32: CopyFrom(shape, src, off, strides, dst.as<float>()); break;
    case Dtype::F64: CopyFrom(shape, src, off, strides, dst.as<double>()); break;
    case Dtype::I32: CopyFrom(shape, src, off, strides, dst.as<int32_t>()); break;
  }
  return env.Undefined();
}

// fill(dst, value). Float arrays take any number (NaN, inf); Int32Array an integer in its range.
Napi::Value Fill(const Napi::CallbackInfo& info) {
  const char* op = "fill";
  Napi::Env env = info.Env();
  RequireArgs(info, op, 2);
  Array dst = ArgArray(info, 0, op, "dst", kAny);
  switch (dst.dtype) {
    case Dtype::F32: copy::fill(dst.length, dst.as<float>(), static_cast<float>(ArgAnyNumber(info, 1, op, "value"))); break;
    case Dtype::F64: copy::fill(dst.length, dst.as<double>(), ArgAnyNumber(info, 1, op, "value")); break;
    case Dtype::I32:
      copy::fill(dst.length, dst.as<int32_t>(),
                 static_cast<int32_t>(ArgInt(info, 1, op, "value", INT32_MIN, INT32_MAX)));
      break;
  }
  return env.Undefined();
}

}  // namespace

void InitCopy(Napi::Env env, Napi::Object exports) {
  exports.Set("stridedCopy", Napi::Function::New(env, StridedCopy, "stridedCopy"));
  exports.Set("fill", Napi::Function::New(env, Fill, "fill"));
}

}  // namespace tl
