#include "binding/args.h"
#include "binding/families.h"

namespace tl {
void InitRandom(Napi::Env env, Napi::Object exports) {}  // TODO: filled in by the random family
}  // namespace tl
