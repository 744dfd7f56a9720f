// CPU feature detection and instruction-set selection.
//
// The ISA is detected once per process (cpuid + xgetbv, so that an OS that
// does not save the AVX-512 state is honoured). TORCHLET_ISA=scalar|avx2|avx512
// forces a lower path; TORCHLET_ISA_DEBUG=1 logs the choice to stderr, like
// BLIS_ARCH_DEBUG. Tests switch paths at run time with set_active_isa().
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tl {

enum class Isa { Scalar = 0, Avx2 = 1, Avx512 = 2 };

const char* isa_name(Isa isa);
// Highest ISA this CPU and OS support (ignores the environment override).
Isa detected_isa();
// Every ISA usable here, lowest first: always includes Scalar.
std::vector<Isa> available_isas();
// The ISA kernels dispatch on now. Starts as min(detected, TORCHLET_ISA).
Isa active_isa();
// Returns false (and changes nothing) if the CPU lacks `isa`.
bool set_active_isa(Isa isa);
bool parse_isa(const std::string& name, Isa* out);
// TORCHLET_ISA_DEBUG is set (and not "0"): kernels may log their choices.
bool isa_debug();

// Data cache sizes in bytes, detected once per process: CPUID leaf 4 (Intel)
// or 0x8000001D (AMD) when the CPU has them, else the older AMD leaves
// 0x80000005/6, else sysconf, else a typical desktop (32 KiB / 512 KiB /
// 8 MiB). Sizes outside sane bounds (hypervisors sometimes report nonsense)
// are replaced by the defaults. l1d and l2 are per core; l3 is the whole L3
// this core sits on, shared by l3_sharing logical CPUs (1 when unknown).
struct CacheSizes {
  int64_t l1d, l2, l3;
  int l3_sharing;
  const char* source;  // "cpuid 4", "cpuid 0x8000001d", "cpuid 0x80000006", "sysconf" or "default"
};
const CacheSizes& cache_sizes();

}  // namespace tl
