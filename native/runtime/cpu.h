// CPU feature detection and instruction-set selection.
//
// The ISA is detected once per process (cpuid + xgetbv, so that an OS that
// does not save the AVX-512 state is honoured). TORCHLET_ISA=scalar|avx2|avx512
// forces a lower path; TORCHLET_ISA_DEBUG=1 logs the choice to stderr, like
// BLIS_ARCH_DEBUG. Tests switch paths at run time with set_active_isa().
#pragma once
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

}  // namespace tl
