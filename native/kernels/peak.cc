#include "kernels/peak.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <vector>

#include "runtime/thread_pool.h"

namespace tl {

// The portable loop: plain multiply-adds (no FMA on the x86-64 baseline), so
// this measures the SSE2 mul+add throughput, not an FMA peak.
double fma_loop_scalar(int64_t iters) {
  float acc[kPeakChains][4];
  for (int c = 0; c < kPeakChains; c++)
    for (int l = 0; l < 4; l++) acc[c][l] = 1.0f + 0.001f * float(c + l);
  const float x = 0.999999f, y = 1e-7f;
  for (int64_t i = 0; i < iters; i++)
    for (int c = 0; c < kPeakChains; c++)
      for (int l = 0; l < 4; l++) acc[c][l] = acc[c][l] * x + y;
  volatile float sink = 0;
  for (int c = 0; c < kPeakChains; c++)
    for (int l = 0; l < 4; l++) sink = sink + acc[c][l];
  (void)sink;
  return double(iters) * kPeakChains * 4 * 2;
}

double fma_peak_gflops(Isa isa, int threads, double seconds) {
  double (*loop)(int64_t) = fma_loop_scalar;
  if (isa == Isa::Avx512) loop = fma_loop_avx512;
  else if (isa == Isa::Avx2) loop = fma_loop_avx2;
  threads = std::max(1, std::min(threads, num_threads()));
  // Calibrate the iteration count on one thread (~10 ms), then time the real run.
  int64_t iters = 1 << 16;
  for (;;) {
    auto t0 = std::chrono::steady_clock::now();
    loop(iters);
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (dt > 0.01 || iters > (int64_t(1) << 40)) {
      iters = std::max<int64_t>(1, int64_t(double(iters) * seconds / std::max(dt, 1e-9)));
      break;
    }
    iters *= 4;
  }
  std::vector<double> flops(threads, 0.0);
  auto t0 = std::chrono::steady_clock::now();
  parallel_for(threads, [&](int64_t t) { flops[t] = loop(iters); });
  double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double total = 0;
  for (double f : flops) total += f;
  return total / dt / 1e9;
}

}  // namespace tl
