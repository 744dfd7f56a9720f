// The native thread pool: persistent worker threads shared by every kernel.
//
// parallel_for(ntasks, fn) runs fn(0) ... fn(ntasks - 1) on the calling thread
// plus up to num_threads() - 1 workers, and returns when all are done. Tasks
// are handed out dynamically (an atomic counter), so a kernel must make its
// results independent of which thread runs which task: it splits its work by
// sizes only, never by the thread count, and tasks never write the same data.
//
// - One parallel region at a time, process-wide. A second caller (another JS
//   thread, or a kernel nested inside a task) runs its tasks inline, in order,
//   on its own thread: same results, no oversubscription, no deadlock.
// - Workers start on first use and then wait: they spin briefly (a training
//   step issues regions back to back) and then sleep on a condition variable.
// - Denormals: while a region runs, the caller and the workers flush denormal
//   results and inputs to zero (MXCSR FTZ+DAZ) when flush_denormals() is on
//   (the default; TORCHLET_FLUSH_DENORMAL=0 or set_flush_denormals(false) turns
//   it off). Kernels that go through parallel_for thus see the same floating
//   point mode whatever the thread count. The caller's MXCSR is restored
//   afterwards, so JavaScript arithmetic on that thread is never affected.
// - The default thread count is the number of CPUs this process may run on
//   (sched_getaffinity), or TORCHLET_NUM_THREADS.
#pragma once
#include <cstdint>

namespace tl {

int num_threads();
// 1 <= n <= kMaxThreads; takes effect at the next parallel region.
void set_num_threads(int n);
constexpr int kMaxThreads = 256;

bool flush_denormals();
void set_flush_denormals(bool on);

using TaskFn = void (*)(void* ctx, int64_t task);
void parallel_for_raw(int64_t ntasks, TaskFn fn, void* ctx);

// fn is any callable taking the task index; it must not throw.
template <typename F>
void parallel_for(int64_t ntasks, F&& fn) {
  parallel_for_raw(
      ntasks, [](void* ctx, int64_t t) { (*static_cast<F*>(ctx))(t); }, static_cast<void*>(&fn));
}

// RAII: FTZ+DAZ on this thread while alive when flush_denormals() is on (a
// no-op otherwise, and off x86). Used by parallel_for and by kernels that run
// a heavy single-threaded loop outside it.
class DenormalScope {
 public:
  DenormalScope();
  ~DenormalScope();
  DenormalScope(const DenormalScope&) = delete;
  DenormalScope& operator=(const DenormalScope&) = delete;

 private:
  unsigned saved_;
  bool active_;
};

}  // namespace tl
