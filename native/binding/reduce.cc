#include "binding/args.h"
#include "binding/families.h"

namespace tl {
void InitReduce(Napi::Env env, Napi::Object exports) {}  // TODO: filled in by the reduce family
}  // namespace tl
