#include "server/s3/xml.h"

namespace skiff::s3 {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default: {
        unsigned char u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) {
          out += "&#";
          out += std::to_string(u);
          out += ';';
        } else {
          out += c;
        }
      }
    }
  }
  return out;
}

XmlWriter::XmlWriter(std::string_view root, bool ns) {
  out_.append(kXmlDeclaration);
  out_ += '<';
  out_.append(root);
  if (ns) {
    out_ += " xmlns=\"";
    out_.append(kS3Namespace);
    out_ += '"';
  }
  out_ += '>';
  open_.emplace_back(root);
}

void XmlWriter::Open(std::string_view name) {
  out_ += '<';
  out_.append(name);
  out_ += '>';
  open_.emplace_back(name);
}

void XmlWriter::Close() {
  if (open_.empty()) return;
  out_ += "</";
  out_ += open_.back();
  out_ += '>';
  open_.pop_back();
}

void XmlWriter::Element(std::string_view name, std::string_view text) {
  out_ += '<';
  out_.append(name);
  out_ += '>';
  out_ += XmlEscape(text);
  out_ += "</";
  out_.append(name);
  out_ += '>';
}

std::string XmlWriter::Finish() {
  while (!open_.empty()) Close();
  return std::move(out_);
}

}  // namespace skiff::s3
