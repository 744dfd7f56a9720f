#include "binding/args.h"
#include "binding/families.h"

namespace tl {
void InitOptim(Napi::Env env, Napi::Object exports) {}  // TODO: filled in by the optim family
}  // namespace tl
