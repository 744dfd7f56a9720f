#include "runtime/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TL_X86 1
#endif
#if defined(__linux__)
#include <sched.h>
#endif

namespace tl {

namespace {

constexpr unsigned kFtzDaz = 0x8040;  // MXCSR flush-to-zero (bit 15) | denormals-are-zero (bit 6)

int default_threads() {
  if (const char* env = std::getenv("TORCHLET_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return std::min(n, kMaxThreads);
  }
  int n = 0;
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) n = CPU_COUNT(&set);
#endif
  if (n <= 0) n = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(n, 1, kMaxThreads);
}

bool default_flush() {
  const char* env = std::getenv("TORCHLET_FLUSH_DENORMAL");
  return !(env && std::strcmp(env, "0") == 0);
}

std::atomic<int> g_threads{default_threads()};
std::atomic<bool> g_flush{default_flush()};

// One region's work, published to the workers through `generation`.
struct Job {
  TaskFn fn = nullptr;
  void* ctx = nullptr;
  int64_t ntasks = 0;
  std::atomic<int64_t> next{0};      // next task to hand out
  std::atomic<int64_t> done{0};      // tasks finished
  std::atomic<int> active{0};        // workers still inside this job
  bool flush = true;
};

class Pool {
 public:
  static Pool& get() {
    // Never destroyed: worker threads may outlive static destruction order at exit.
    static Pool* p = new Pool();
    return *p;
  }

  void run(int64_t ntasks, TaskFn fn, void* ctx) {
    const int want = std::min<int64_t>(g_threads.load(std::memory_order_relaxed), ntasks);
    std::unique_lock<std::mutex> region(region_, std::defer_lock);
    if (want <= 1 || !region.try_lock()) {
      // Serial: one task at a time on this thread (also the nested/concurrent case).
      DenormalScope dz;
      for (int64_t t = 0; t < ntasks; t++) fn(ctx, t);
      return;
    }
    ensure_workers(want - 1);
    job_.fn = fn;
    job_.ctx = ctx;
    job_.ntasks = ntasks;
    job_.flush = g_flush.load(std::memory_order_relaxed);
    job_.next.store(0, std::memory_order_relaxed);
    job_.done.store(0, std::memory_order_relaxed);
    job_.active.store(want - 1, std::memory_order_relaxed);
    // Each helper gets a ticket for this region; a worker runs exactly once per
    // ticket, so a late wake-up can never join a region twice.
    const uint64_t gen = ++generation_;
    {
      std::lock_guard<std::mutex> lk(wake_mu_);
      for (int i = 0; i < want - 1; i++) tickets_[i].store(gen, std::memory_order_release);
    }
    wake_cv_.notify_all();

    {
      DenormalScope dz;
      work(job_);
    }
    // Wait for the tasks the workers took, then for the workers to leave the job
    // (so that the next region can reuse it safely).
    while (job_.done.load(std::memory_order_acquire) < ntasks || job_.active.load(std::memory_order_acquire) > 0)
      cpu_relax();
  }

 private:
  Pool() = default;

  static void cpu_relax() {
#ifdef TL_X86
    _mm_pause();
#else
    std::this_thread::yield();
#endif
  }

  static void work(Job& job) {
    for (;;) {
      const int64_t t = job.next.fetch_add(1, std::memory_order_relaxed);
      if (t >= job.ntasks) break;
      job.fn(job.ctx, t);
      job.done.fetch_add(1, std::memory_order_release);
    }
  }

  void ensure_workers(int n) {
    while (static_cast<int>(workers_.size()) < n) {
      const int index = static_cast<int>(workers_.size());
      workers_.emplace_back([this, index] { worker_main(index); });
      workers_.back().detach();
    }
  }

  void worker_main(int index) {
    std::atomic<uint64_t>& ticket = tickets_[index];
    // Tickets start at 0 and regions count from 1: a worker started for a region
    // that already handed it a ticket sees that ticket as new.
    uint64_t seen = 0;
    for (;;) {
      // Spin a little (back-to-back regions of a training step), then sleep.
      uint64_t t = seen;
      for (int spin = 0; spin < kSpin && t == seen; spin++) {
        cpu_relax();
        t = ticket.load(std::memory_order_acquire);
      }
      if (t == seen) {
        std::unique_lock<std::mutex> lk(wake_mu_);
        wake_cv_.wait(lk, [&] { return ticket.load(std::memory_order_acquire) != seen; });
        t = ticket.load(std::memory_order_acquire);
      }
      seen = t;
      // The job is stable: its region cannot end before this worker leaves it.
#ifdef TL_X86
      const unsigned saved = _mm_getcsr();
      if (job_.flush) _mm_setcsr(saved | kFtzDaz);
      work(job_);
      _mm_setcsr(saved);
#else
      work(job_);
#endif
      job_.active.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  static constexpr int kSpin = 20000;  // ~100-200 us of pause instructions

  std::mutex region_;  // held by the thread running a region
  Job job_;
  uint64_t generation_ = 0;  // regions started (written under region_)
  std::atomic<uint64_t> tickets_[kMaxThreads] = {};
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  std::vector<std::thread> workers_;
};

}  // namespace

int num_threads() { return g_threads.load(std::memory_order_relaxed); }
void set_num_threads(int n) { g_threads.store(std::clamp(n, 1, kMaxThreads), std::memory_order_relaxed); }
bool flush_denormals() { return g_flush.load(std::memory_order_relaxed); }
void set_flush_denormals(bool on) { g_flush.store(on, std::memory_order_relaxed); }

void parallel_for_raw(int64_t ntasks, TaskFn fn, void* ctx) {
  if (ntasks <= 0) return;
  Pool::get().run(ntasks, fn, ctx);
}

DenormalScope::DenormalScope() : saved_(0), active_(false) {
#ifdef TL_X86
  if (flush_denormals()) {
    saved_ = _mm_getcsr();
    _mm_setcsr(saved_ | kFtzDaz);
    active_ = true;
  }
#endif
}

DenormalScope::~DenormalScope() {
#ifdef TL_X86
  if (active_) _mm_setcsr(saved_);
#endif
}

}  // namespace tl
