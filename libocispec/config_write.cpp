// write_spec: the table-driven writer (codec.hpp) over schema::fields.
#include "libocispec/codec.hpp"
#include "libocispec/config.hpp"

namespace hull::oci {

std::string write_spec(const Spec& spec, bool pretty) { return codec::to_json(spec, pretty); }

}  // namespace hull::oci
