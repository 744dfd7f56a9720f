#include "binding/args.h"
#include "binding/families.h"

namespace tl {
void InitGemm(Napi::Env env, Napi::Object exports) {}  // TODO: filled in by the gemm family
}  // namespace tl
