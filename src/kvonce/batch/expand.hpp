// INPUT arguments -> the batch's payloads: local files and directories (inputs.hpp), object
// listings (remote.hpp), the --from/--to days (dates.hpp); sorted by source, repeats dropped.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kvonce/batch/payload_ref.hpp"
#include "kvonce/batch/remote.hpp"

namespace kvonce::batch {

// An s3:// or gs:// INPUT ending in '/' (or naming a whole bucket) is listed, once or once per
// day (prefix + kvonce-trace/YYYY/MM/DD/); one naming an object is that payload. `from` and `to`
// are both set or both unset. Errors: usage (dates, URIs), input (a missing local INPUT), and
// whatever a listing throws (auth, fetch, limit).
std::vector<PayloadRef> expand_inputs(const std::vector<std::string>& inputs,
                                      const std::optional<std::string>& from,
                                      const std::optional<std::string>& to, RemoteStore& remote,
                                      const TransportFactory& make_transport);

}  // namespace kvonce::batch
