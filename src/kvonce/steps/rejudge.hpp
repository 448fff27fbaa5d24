// `report --metadata-for FILE` names the payload the trace directory's verdicts are about. A
// record ties a validation to a payload digest, but anyone who can write the directory can write
// {"valid": true} with FILE's digest: so FILE is judged again, with the profile, MAX_RETRIES and
// order each mode's validation records, and a verdict that is not FILE's is refused.
#pragma once

#include <filesystem>
#include <string>

namespace kvonce::steps {

// For each mode directory of `trace_dir` holding a readable validation: judges `file` as that
// validation records it was judged (an ndjson mode that read its events in the order they were
// written, in the order they were written with) and compares validity, event count, issue count
// and the issues it lists (type and key). Error(input) naming the validation and the first
// difference; Error(input) too for a validation that does not record how it judged, unless
// `accept_unrecorded` (that mode is reported as unchecked). `file` is read under the default
// limits; its read errors are thrown as verify throws them. Nothing is judged when `file` is not
// a regular file (write_metadata_for refuses it).
void check_verdicts_of(const std::string& file, const std::filesystem::path& trace_dir,
                       bool accept_unrecorded);

}  // namespace kvonce::steps
