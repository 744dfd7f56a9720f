#include "binding/args.h"
#include "binding/families.h"

namespace tl {
void InitCopy(Napi::Env env, Napi::Object exports) {}  // TODO: filled in by the copy family
}  // namespace tl
