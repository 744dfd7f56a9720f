#include "binding/args.h"
#include "binding/families.h"

namespace tl {
void InitSoftmaxLoss(Napi::Env env, Napi::Object exports) {}  // TODO: filled in by the softmax_loss family
}  // namespace tl
