// A small, tolerant reader of element text in the flat XML documents AWS answers with (STS
// credentials, S3 listings and errors). It is not an XML parser: it finds elements by local name
// (any namespace prefix, any attributes), returns their inner text with the five predefined
// entities, numeric character references and CDATA sections decoded, and ignores everything
// else. Documents are small API responses, bounded by the caller.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kvonce::cloud::xml {

// The raw inner markup of every element named `name` (local name, case-sensitive), in document
// order. Nested elements of the same name are not expected in these documents; an element left
// unclosed ends the search.
std::vector<std::string_view> elements(std::string_view doc, std::string_view name);

// The decoded text of the first element named `name`, or nullopt when there is none.
// Child markup inside it is dropped (only character data is kept).
std::optional<std::string> text(std::string_view doc, std::string_view name);

// Decodes character data: entities (&amp; &lt; &gt; &quot; &apos; &#N; &#xH;), CDATA sections;
// tags are removed. Unknown entities are kept as written.
std::string decode(std::string_view markup);

}  // namespace kvonce::cloud::xml
