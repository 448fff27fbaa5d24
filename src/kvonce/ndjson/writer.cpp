#include "kvonce/ndjson/writer.hpp"

namespace kvonce::ndjson {

void Writer::on_event(const EventView& event) {
  append_event_line(buffer_, event);
  if (buffer_.size() >= kWriteChunkBytes) {
    file_.write(buffer_);
    buffer_.clear();
  }
}

void Writer::finish() {
  file_.write(buffer_);
  buffer_.clear();
}

}  // namespace kvonce::ndjson
