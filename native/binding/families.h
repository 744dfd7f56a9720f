// Each kernel family registers its exports here; binding.cc calls them all.
#pragma once
#include <napi.h>

namespace tl {
void InitRuntime(Napi::Env env, Napi::Object exports);      // binding/runtime.cc
void InitCopy(Napi::Env env, Napi::Object exports);         // binding/copy.cc
void InitElementwise(Napi::Env env, Napi::Object exports);  // binding/elementwise.cc (unary, binary)
void InitReduce(Napi::Env env, Napi::Object exports);       // binding/reduce.cc
void InitGemm(Napi::Env env, Napi::Object exports);         // binding/gemm.cc
void InitSoftmaxLoss(Napi::Env env, Napi::Object exports);  // binding/softmax_loss.cc
void InitRandom(Napi::Env env, Napi::Object exports);       // binding/random.cc
void InitOptim(Napi::Env env, Napi::Object exports);        // binding/optim.cc
void InitIndex(Napi::Env env, Napi::Object exports);        // binding/index.cc (assign, indexSelect, indexAdd)
void InitNorm(Napi::Env env, Napi::Object exports);         // binding/norm.cc (batch norm, layer norm)
void InitThreads(Napi::Env env, Napi::Object exports);      // binding/threads.cc (thread pool, denormals, FMA peak)
}  // namespace tl
