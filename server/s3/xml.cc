#include "server/s3/xml.h"

namespace skiff::s3 {

namespace {

// Appends `text` escaped for XML character data and attribute values. Runs of ordinary
// characters are appended whole: a listing escapes a thousand keys per response.
void AppendEscaped(std::string& out, std::string_view text) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const unsigned char u = static_cast<unsigned char>(c);
    std::string_view entity;
    switch (c) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      case '\'':
        entity = "&apos;";
        break;
      default:
        if (!((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f)) continue;
    }
    out.append(text.substr(run, i - run));
    run = i + 1;
    if (!entity.empty()) {
      out.append(entity);
    } else {
      out += "&#";
      out += std::to_string(u);
      out += ';';
    }
  }
  out.append(text.substr(run));
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(out, text);
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
  AppendEscaped(out_, text);
  out_ += "</";
  out_.append(name);
  out_ += '>';
}

std::string XmlWriter::Finish() {
  while (!open_.empty()) Close();
  return std::move(out_);
}

}  // namespace skiff::s3
