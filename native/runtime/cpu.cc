#include "runtime/cpu.h"

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
    const char* dbg = std::getenv("TORCHLET_ISA_DEBUG");
    if (dbg && *dbg && std::strcmp(dbg, "0") != 0)
      std::fprintf(stderr, "torchlet: detected %s, using %s\n", isa_name(detected_isa()), isa_name(isa));
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
