// The addon's export table. Every family adds its functions in its Init*;
// nothing else happens here. NODE_API_MODULE makes the addon context-aware,
// so it loads in the main thread and in any number of worker_threads.
#include <napi.h>

#include "binding/families.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tl::InitRuntime(env, exports);
  tl::InitCopy(env, exports);
  tl::InitElementwise(env, exports);
  tl::InitReduce(env, exports);
  tl::InitGemm(env, exports);
  tl::InitSoftmaxLoss(env, exports);
  tl::InitRandom(env, exports);
  tl::InitOptim(env, exports);
  tl::InitIndex(env, exports);
  tl::InitNorm(env, exports);
  tl::InitThreads(env, exports);
  return exports;
}

NODE_API_MODULE(torchlet, Init)
