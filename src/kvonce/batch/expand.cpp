#include "kvonce/batch/expand.hpp"

#include "kvonce/batch/dates.hpp"
#include "kvonce/batch/inputs.hpp"
#include "kvonce/cloud/object_uri.hpp"

namespace kvonce::batch {

std::vector<PayloadRef> expand_inputs(const std::vector<std::string>& inputs,
                                      const std::optional<std::string>& from,
                                      const std::optional<std::string>& to, RemoteStore& remote,
                                      const TransportFactory& make_transport) {
  const std::vector<std::string> days =
      from && to ? dates_in_range(*from, *to) : std::vector<std::string>{};
  std::vector<PayloadRef> refs;
  std::unique_ptr<net::HttpTransport> transport;  // made for the first listing only
  for (const std::string& input : inputs) {
    if (!is_remote_input(input)) {
      expand_local_input(input, days, refs);
      continue;
    }
    const Location where = Location::remote;
    const bool prefix = input.back() == '/' || input.find('/', 5) == std::string::npos;
    if (!prefix && days.empty()) {
      refs.push_back({input, where});
      continue;
    }
    std::vector<std::string> prefixes;
    for (const std::string& day : days) prefixes.push_back(cloud::with_date_prefix(input, day));
    if (days.empty()) prefixes.push_back(input.back() == '/' ? input : input + "/");
    if (!transport) transport = make_transport();
    for (const std::string& p : prefixes) {
      for (std::string& uri : remote.list(p, *transport)) refs.push_back({std::move(uri), where});
    }
  }
  sort_unique(refs);
  return refs;
}

}  // namespace kvonce::batch
