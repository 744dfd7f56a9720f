#include "runtime/cpu.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define TL_X86 1
#endif

namespace tl {

namespace {

#ifdef TL_X86
unsigned long long xgetbv0() {
  unsigned int eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<unsigned long long>(edx) << 32) | eax;
}
#endif

Isa detect() {
#ifdef TL_X86
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return Isa::Scalar;
  const bool osxsave = c & (1u << 27), avx = c & (1u << 28), fma = c & (1u << 12);
  if (!osxsave || !avx) return Isa::Scalar;
  const unsigned long long xcr0 = xgetbv0();
  const bool ymm_state = (xcr0 & 0x6) == 0x6;
  const bool zmm_state = (xcr0 & 0xe6) == 0xe6;
  if (!ymm_state || __get_cpuid_max(0, nullptr) < 7) return Isa::Scalar;
  __cpuid_count(7, 0, a, b, c, d);
  const bool avx2 = b & (1u << 5);
  const bool avx512f = b & (1u << 16), avx512dq = b & (1u << 17), avx512bw = b & (1u << 30),
             avx512vl = b & (1u << 31);
  if (zmm_state && avx512f && avx512dq && avx512bw && avx512vl && avx2 && fma) return Isa::Avx512;
  if (avx2 && fma) return Isa::Avx2;
#endif
  return Isa::Scalar;
}

// ------------------------------------------------------------ caches
constexpr int64_t kKiB = 1024;
constexpr CacheSizes kDefaultCaches = {32 * kKiB, 512 * kKiB, 8192 * kKiB, 1, "default"};

bool sane(const CacheSizes& c) {
  return c.l1d >= 8 * kKiB && c.l1d <= 1024 * kKiB && c.l2 >= 64 * kKiB && c.l2 <= 64 * 1024 * kKiB &&
         c.l2 >= c.l1d && (c.l3 == 0 || (c.l3 >= c.l2 && c.l3 <= 4096 * 1024 * kKiB));
}

#ifdef TL_X86
// The deterministic cache parameters leaf (Intel 4, AMD 0x8000001D): one
// subleaf per cache until a null type. Returns false if it lists no L1d/L2.
bool cpuid_cache_leaf(unsigned leaf, CacheSizes* out) {
  CacheSizes c = {0, 0, 0, 1, nullptr};
  for (unsigned i = 0; i < 16; i++) {
    unsigned a, b, cx, d;
    __cpuid_count(leaf, i, a, b, cx, d);
    const unsigned type = a & 31, level = (a >> 5) & 7;
    if (type == 0) break;
    if (type == 2) continue;  // instruction cache
    const int64_t size = int64_t((b >> 22) + 1) * (((b >> 12) & 1023) + 1) * ((b & 4095) + 1) * (int64_t(cx) + 1);
    if (level == 1) c.l1d = size;
    if (level == 2) c.l2 = size;
    if (level == 3) {
      c.l3 = size;
      c.l3_sharing = int(((a >> 14) & 4095) + 1);
    }
  }
  if (c.l1d == 0 || c.l2 == 0) return false;
  *out = c;
  return true;
}
#endif

CacheSizes detect_caches() {
  CacheSizes c;
#ifdef TL_X86
  unsigned a, b, cx, d;
  const unsigned max_basic = __get_cpuid_max(0, nullptr), max_ext = __get_cpuid_max(0x80000000u, nullptr);
  __cpuid(0, a, b, cx, d);
  const bool amd = b == 0x68747541u || b == 0x6f677948u;  // "Auth"enticAMD, "Hygo"nGenuine
  bool topoext = false;
  if (max_ext >= 0x80000001u) {
    __cpuid(0x80000001u, a, b, cx, d);
    topoext = cx & (1u << 22);
  }
  if (amd && topoext && max_ext >= 0x8000001Du && cpuid_cache_leaf(0x8000001Du, &c)) {
    c.source = "cpuid 0x8000001d";
    if (sane(c)) return c;
  }
  if (!amd && max_basic >= 4 && cpuid_cache_leaf(4, &c)) {
    c.source = "cpuid 4";
    if (sane(c)) return c;
  }
  if (amd && max_ext >= 0x80000006u) {
    __cpuid(0x80000005u, a, b, cx, d);
    c.l1d = int64_t(cx >> 24) * kKiB;
    __cpuid(0x80000006u, a, b, cx, d);
    c.l2 = int64_t(cx >> 16) * kKiB;
    c.l3 = int64_t(d >> 18) * 512 * kKiB;
    c.l3_sharing = 1;
    c.source = "cpuid 0x80000006";
    if (sane(c)) return c;
  }
#endif
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE) && defined(_SC_LEVEL3_CACHE_SIZE)
  c = {sysconf(_SC_LEVEL1_DCACHE_SIZE), sysconf(_SC_LEVEL2_CACHE_SIZE), sysconf(_SC_LEVEL3_CACHE_SIZE), 1, "sysconf"};
  if (c.l3 < 0) c.l3 = 0;
  if (sane(c)) return c;
#endif
  return kDefaultCaches;
}

std::atomic<int>& active() {
  static std::atomic<int> value([] {
    Isa isa = detected_isa();
    const char* env = std::getenv("TORCHLET_ISA");
    Isa forced;
    if (env && *env) {
      if (!parse_isa(env, &forced))
        std::fprintf(stderr, "torchlet: ignoring TORCHLET_ISA=%s (expected scalar, avx2 or avx512)\n", env);
      else if (forced < isa)
        isa = forced;
    }
    if (isa_debug()) {
      const CacheSizes& c = cache_sizes();
      std::fprintf(stderr, "torchlet: detected %s, using %s\n", isa_name(detected_isa()), isa_name(isa));
      std::fprintf(stderr, "torchlet: caches L1d %lld KiB, L2 %lld KiB, L3 %lld KiB shared by %d (%s)\n",
                   static_cast<long long>(c.l1d / kKiB), static_cast<long long>(c.l2 / kKiB),
                   static_cast<long long>(c.l3 / kKiB), c.l3_sharing, c.source);
    }
    return static_cast<int>(isa);
  }());
  return value;
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "scalar";
  }
}

bool parse_isa(const std::string& name, Isa* out) {
  if (name == "scalar" || name == "generic") { *out = Isa::Scalar; return true; }
  if (name == "avx2") { *out = Isa::Avx2; return true; }
  if (name == "avx512") { *out = Isa::Avx512; return true; }
  return false;
}

bool isa_debug() {
  static const bool on = [] {
    const char* dbg = std::getenv("TORCHLET_ISA_DEBUG");
    return dbg && *dbg && std::strcmp(dbg, "0") != 0;
  }();
  return on;
}

const CacheSizes& cache_sizes() {
  static const CacheSizes c = detect_caches();
  return c;
}

Isa detected_isa() {
  static const Isa isa = detect();
  return isa;
}

std::vector<Isa> available_isas() {
  std::vector<Isa> out{Isa::Scalar};
  if (detected_isa() >= Isa::Avx2) out.push_back(Isa::Avx2);
  if (detected_isa() >= Isa::Avx512) out.push_back(Isa::Avx512);
  return out;
}

Isa active_isa() { return static_cast<Isa>(active().load(std::memory_order_relaxed)); }

bool set_active_isa(Isa isa) {
  if (isa > detected_isa()) return false;
  active().store(static_cast<int>(isa), std::memory_order_relaxed);
  return true;
}

}  // namespace tl
