// FMA peak: how many float32 FLOP/s this CPU's FMA units deliver, measured by
// a loop of independent fused multiply-adds on registers (no memory traffic).
// The benchmark compares GEMM against it; the tests only check it runs.
//
// fma_loop_<isa>(iters): runs iters x kChains x (lanes) FMAs, i.e. returns
// the number of float32 FLOP done (2 per lane per FMA). kChains independent
// accumulators cover the FMA latency on CPUs with two FMA pipes (latency 4 x 2
// pipes = 8 in flight at least; 12 leaves slack). The result is kept alive so
// that the compiler cannot drop the loop.
#pragma once
#include <cstdint>

#include "runtime/cpu.h"

namespace tl {

constexpr int kPeakChains = 12;

double fma_loop_scalar(int64_t iters);
double fma_loop_avx2(int64_t iters);    // peak.avx2.cc; 0 when not compiled for x86
double fma_loop_avx512(int64_t iters);  // peak.avx512.cc

// GFLOP/s of `threads` threads each running the loop of `isa` until `seconds`
// (clamped to [1 ms, 10 s]) have passed on the clock (the thread pool runs them;
// threads above num_threads() are not used: the binding refuses them).
double fma_peak_gflops(Isa isa, int threads, double seconds);

}  // namespace tl
