// Minimal streaming XML writer for S3 responses (pugixml is used for parsing request bodies).
// Output is compact, starts with S3's declaration line, and escapes text as S3 does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff::s3 {

inline constexpr std::string_view kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// Escapes &, <, >, ", ' and control characters other than newline and tab (as numeric
// references, which is how S3 returns keys holding them; a raw CR would be normalized away by
// XML parsers).
std::string XmlEscape(std::string_view text);

class XmlWriter {
 public:
  // Starts the document with the declaration and opens `root`, with S3's xmlns when `ns`.
  XmlWriter(std::string_view root, bool ns);
  void Open(std::string_view name);
  void Close();
  void Element(std::string_view name, std::string_view text);
  void BoolElement(std::string_view name, bool value) {
    Element(name, std::string_view(value ? "true" : "false"));
  }
  // Closes every open element and returns the document.
  std::string Finish();

 private:
  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace skiff::s3
