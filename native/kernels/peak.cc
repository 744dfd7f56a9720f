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
  using Clock = std::chrono::steady_clock;
  double (*loop)(int64_t) = fma_loop_scalar;
  if (isa == Isa::Avx512) loop = fma_loop_avx512;
  else if (isa == Isa::Avx2) loop = fma_loop_avx2;
  threads = std::max(1, std::min(threads, num_threads()));
  seconds = std::min(std::max(seconds, 1e-3), 10.0);
  // A chunk of about 1 ms on one thread.
  int64_t chunk = 1 << 10;
  for (;;) {
    auto t0 = Clock::now();
    loop(chunk);
    double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    if (dt > 1e-3 || chunk > (int64_t(1) << 40)) break;
    chunk *= 2;
  }
  // Every thread runs chunks until one shared deadline, so the run lasts
  // `seconds` (plus at most a chunk) for any thread count, also when threads
  // share cores (a count calibrated on one thread took threads/cores times longer).
  std::vector<double> flops(threads, 0.0);
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  parallel_for(threads, [&](int64_t t) {
    double f = 0;
    do f += loop(chunk);
    while (Clock::now() < deadline);
    flops[t] = f;
  });
  double dt = std::chrono::duration<double>(Clock::now() - t0).count();
  double total = 0;
  for (double f : flops) total += f;
  return total / dt / 1e9;
}

}  // namespace tl
