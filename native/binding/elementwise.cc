#include "binding/args.h"
#include "binding/families.h"

namespace tl {
void InitElementwise(Napi::Env env, Napi::Object exports) {}  // TODO: filled in by the elementwise family
}  // namespace tl
