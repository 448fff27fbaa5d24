// Element text out of small XML responses (see xml_text.hpp for what it is and is not).
#include "kvonce/cloud/xml_text.hpp"

#include <cstdint>

#include "kvonce/util/strings.hpp"

namespace kvonce::cloud::xml {
namespace {

bool is_name_end(char c) {
  return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Position of the next start tag of `name` at or after `from` (local name match), or npos.
// `open_end` receives the position just past its '>'; `empty` whether it is "<name/>".
std::size_t find_start(std::string_view doc, std::string_view name, std::size_t from,
                       std::size_t& open_end, bool& empty) {
  for (std::size_t lt = doc.find('<', from); lt != std::string_view::npos;
       lt = doc.find('<', lt + 1)) {
    std::size_t p = lt + 1;
    if (p >= doc.size() || doc[p] == '/' || doc[p] == '?' || doc[p] == '!') continue;
    std::size_t name_end = p;
    while (name_end < doc.size() && !is_name_end(doc[name_end])) ++name_end;
    std::string_view qname = doc.substr(p, name_end - p);
    const std::size_t colon = qname.find(':');
    if (colon != std::string_view::npos) qname.remove_prefix(colon + 1);
    if (qname != name) continue;
    const std::size_t gt = doc.find('>', name_end);
    if (gt == std::string_view::npos) return std::string_view::npos;
    empty = doc[gt - 1] == '/';
    open_end = gt + 1;
    return lt;
  }
  return std::string_view::npos;
}

// Position of the end tag "</[prefix:]name>" at or after `from`, and `close_end` past it.
std::size_t find_end(std::string_view doc, std::string_view name, std::size_t from,
                     std::size_t& close_end) {
  for (std::size_t lt = doc.find("</", from); lt != std::string_view::npos;
       lt = doc.find("</", lt + 2)) {
    std::size_t gt = doc.find('>', lt);
    if (gt == std::string_view::npos) return std::string_view::npos;
    std::string_view qname = doc.substr(lt + 2, gt - lt - 2);
    while (!qname.empty() && (qname.back() == ' ' || qname.back() == '\t')) qname.remove_suffix(1);
    const std::size_t colon = qname.find(':');
    if (colon != std::string_view::npos) qname.remove_prefix(colon + 1);
    if (qname == name) {
      close_end = gt + 1;
      return lt;
    }
  }
  return std::string_view::npos;
}

// Decodes the entity starting at text[0] == '&'; returns the characters consumed (0 = unknown).
std::size_t decode_entity(std::string_view text, std::string& out) {
  const std::size_t semi = text.find(';');
  if (semi == std::string_view::npos || semi > 12) return 0;
  const std::string_view body = text.substr(1, semi - 1);
  if (body == "amp")
    out.push_back('&');
  else if (body == "lt")
    out.push_back('<');
  else if (body == "gt")
    out.push_back('>');
  else if (body == "quot")
    out.push_back('"');
  else if (body == "apos")
    out.push_back('\'');
  else if (body.size() > 1 && body[0] == '#') {
    const bool hex = body[1] == 'x' || body[1] == 'X';
    std::uint32_t cp = 0;
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (const char c : digits) {
      int v = -1;
      if (c >= '0' && c <= '9')
        v = c - '0';
      else if (hex && c >= 'a' && c <= 'f')
        v = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F')
        v = c - 'A' + 10;
      if (v < 0) return 0;
      cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(v);
      if (cp > 0x10FFFF) return 0;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    append_utf8(out, cp);
  } else {
    return 0;
  }
  return semi + 1;
}

}  // namespace

std::vector<std::string_view> elements(std::string_view doc, std::string_view name) {
  std::vector<std::string_view> out;
  std::size_t from = 0;
  for (;;) {
    std::size_t open_end = 0;
    bool empty = false;
    if (find_start(doc, name, from, open_end, empty) == std::string_view::npos) break;
    if (empty) {
      out.emplace_back();
      from = open_end;
      continue;
    }
    std::size_t close_end = 0;
    const std::size_t close = find_end(doc, name, open_end, close_end);
    if (close == std::string_view::npos) break;
    out.push_back(doc.substr(open_end, close - open_end));
    from = close_end;
  }
  return out;
}

std::optional<std::string> text(std::string_view doc, std::string_view name) {
  const auto found = elements(doc, name);
  if (found.empty()) return std::nullopt;
  return decode(found.front());
}

std::string decode(std::string_view markup) {
  std::string out;
  out.reserve(markup.size());
  std::size_t i = 0;
  while (i < markup.size()) {
    const char c = markup[i];
    if (c == '<') {
      if (markup.substr(i, 9) == "<![CDATA[") {
        const std::size_t end = markup.find("]]>", i + 9);
        const std::size_t stop = end == std::string_view::npos ? markup.size() : end;
        out.append(markup.substr(i + 9, stop - i - 9));
        i = end == std::string_view::npos ? markup.size() : end + 3;
        continue;
      }
      const std::size_t gt = markup.find('>', i);
      i = gt == std::string_view::npos ? markup.size() : gt + 1;
      continue;
    }
    if (c == '&') {
      const std::size_t used = decode_entity(markup.substr(i), out);
      if (used > 0) {
        i += used;
        continue;
      }
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace kvonce::cloud::xml
