// aws-chunked decoder: a byte-at-a-time-safe state machine with bounded buffering.
#include "sigv4/chunked.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "sigv4/internal.h"

namespace skiff::sigv4 {
namespace {

// Chunk-header and trailer lines are short ("10000;chunk-signature=<64 hex>" is 87 bytes);
// anything longer is garbage, and refusing it keeps memory bounded.
constexpr size_t kMaxLineLength = 4096;
constexpr size_t kMaxTrailerLines = 16;
// No single chunk can exceed the largest single PUT (5 GiB).
constexpr uint64_t kMaxChunkSize = uint64_t{5} << 30;
constexpr std::string_view kChunkSignaturePrefix = "chunk-signature=";
constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";

class Sha256Stream {
 public:
  Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr) throw std::runtime_error("EVP_MD_CTX_new failed");
    Reset();
  }
  ~Sha256Stream() { EVP_MD_CTX_free(ctx_); }
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void Reset() {
    if (EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("EVP_DigestInit_ex failed");
    }
  }
  void Update(std::string_view d) {
    if (EVP_DigestUpdate(ctx_, d.data(), d.size()) != 1) {
      throw std::runtime_error("EVP_DigestUpdate failed");
    }
  }
  std::string HexFinal() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_, md, &len) != 1) {
      throw std::runtime_error("EVP_DigestFinal_ex failed");
    }
    return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
  }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace

struct ChunkedDecoder::Impl {
  enum class State { kHeader, kData, kDataCr, kDataLf, kTrailer, kDone, kFailed };

  ChunkedOptions options;
  Sink sink;
  State state = State::kHeader;
  std::string line;
  uint64_t remaining = 0;
  std::string chunk_signature;  // the signature announced for the chunk being read
  std::string previous_signature;
  std::string scope;
  Sha256Stream chunk_hash;
  struct RunningChecksum {
    std::string header;  // "x-amz-checksum-crc32"
    Checksum checksum;
  };
  std::vector<RunningChecksum> checksums;
  uint64_t decoded = 0;
  std::vector<std::pair<std::string, std::string>> trailers;
  std::string trailer_text;  // trailer lines, each ending in '\n', as signed
  std::optional<std::string> trailer_signature;
  size_t trailer_lines = 0;
  Error error = Error::kNone;
  std::string detail;

  bool Signed() const {
    return options.mode == PayloadMode::kStreamingSigned ||
           options.mode == PayloadMode::kStreamingSignedTrailer;
  }
  bool HasTrailer() const {
    return options.mode == PayloadMode::kStreamingSignedTrailer ||
           options.mode == PayloadMode::kStreamingUnsignedTrailer;
  }

  Error Fail(Error e, std::string why) {
    state = State::kFailed;
    error = e;
    detail = std::move(why);
    return e;
  }

  // Accumulates one CRLF-terminated line from `data` starting at `pos`. Returns true when the
  // line is complete (in `line`, without CRLF); false when more input is needed or on failure.
  bool ReadLine(std::string_view data, size_t& pos) {
    size_t nl = data.find('\n', pos);
    size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
    if (line.size() + (end - pos) > kMaxLineLength) {
      Fail(Error::kMalformedChunk, "aws-chunked line longer than 4096 bytes");
      return false;
    }
    line.append(data.substr(pos, end - pos));
    pos = end;
    if (nl == std::string_view::npos) return false;
    if (line.size() < 2 || line[line.size() - 2] != '\r') {
      Fail(Error::kMalformedChunk, "aws-chunked line not terminated by CRLF");
      return false;
    }
    line.resize(line.size() - 2);
    return true;
  }

  std::string ChunkStringToSign(const std::string& data_hash) const {
    std::string sts = "AWS4-HMAC-SHA256-PAYLOAD\n";
    sts.append(options.amz_date).push_back('\n');
    sts.append(scope).push_back('\n');
    sts.append(previous_signature).push_back('\n');
    sts.append(internal::kEmptySha256).push_back('\n');
    sts.append(data_hash);
    return sts;
  }

  Error VerifyChunk(const std::string& data_hash) {
    if (!Signed()) return Error::kNone;
    std::string expected = HexHmacSha256(options.signing_key, ChunkStringToSign(data_hash));
    if (!internal::ConstantTimeEquals(expected, chunk_signature)) {
      return Fail(Error::kChunkSignatureMismatch,
                  "The chunk signature " + chunk_signature + " does not match the calculated " +
                      "signature of chunk " + std::to_string(decoded) + " bytes into the payload.");
    }
    previous_signature = std::move(expected);
    return Error::kNone;
  }

  Error ParseChunkHeader() {
    std::string_view l = line;
    size_t semi = l.find(';');
    std::string_view size_text = l.substr(0, semi);
    if (size_text.empty() || size_text.size() > 16) {
      return Fail(Error::kMalformedChunk, "aws-chunked chunk size missing or too long");
    }
    uint64_t size = 0;
    for (char c : size_text) {
      int v = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (v < 0) return Fail(Error::kMalformedChunk, "aws-chunked chunk size is not hex");
      size = size * 16 + static_cast<uint64_t>(v);
    }
    if (size > kMaxChunkSize) {
      return Fail(Error::kMalformedChunk, "aws-chunked chunk size exceeds 5 GiB");
    }
    if (Signed()) {
      std::string_view ext = semi == std::string_view::npos ? std::string_view() : l.substr(semi + 1);
      if (!ext.starts_with(kChunkSignaturePrefix)) {
        return Fail(Error::kMalformedChunk, "aws-chunked chunk header lacks chunk-signature");
      }
      std::string_view sig = ext.substr(kChunkSignaturePrefix.size());
      if (sig.size() != 64 || !internal::IsLowerHex(sig)) {
        return Fail(Error::kMalformedChunk, "aws-chunked chunk-signature is not 64 hex digits");
      }
      chunk_signature = std::string(sig);
    }
    line.clear();
    if (size > 0) {
      if (options.decoded_content_length && decoded + size > *options.decoded_content_length) {
        return Fail(Error::kDecodedLengthMismatch,
                    "The payload is longer than x-amz-decoded-content-length " +
                        std::to_string(*options.decoded_content_length) + ".");
      }
      remaining = size;
      chunk_hash.Reset();
      state = State::kData;
      return Error::kNone;
    }
    if (Error e = VerifyChunk(std::string(internal::kEmptySha256)); e != Error::kNone) return e;
    state = State::kTrailer;
    return Error::kNone;
  }

  Error ParseTrailerLine() {
    if (++trailer_lines > kMaxTrailerLines) {
      return Fail(Error::kMalformedChunk, "too many aws-chunked trailer lines");
    }
    if (!HasTrailer()) {
      return Fail(Error::kMalformedChunk, "unexpected data after the final chunk");
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) {
      return Fail(Error::kMalformedChunk, "aws-chunked trailer line lacks ':'");
    }
    std::string name = internal::AsciiLower(internal::TrimWhitespace(
        std::string_view(line).substr(0, colon)));
    std::string value(internal::TrimWhitespace(std::string_view(line).substr(colon + 1)));
    if (trailer_signature) {
      return Fail(Error::kMalformedChunk, "trailer line after x-amz-trailer-signature");
    }
    if (name == kTrailerSignatureName) {
      if (options.mode != PayloadMode::kStreamingSignedTrailer) {
        return Fail(Error::kMalformedChunk, "x-amz-trailer-signature in an unsigned trailer");
      }
      trailer_signature = value;
    } else {
      trailer_text.append(line).push_back('\n');
      trailers.emplace_back(std::move(name), std::move(value));
    }
    line.clear();
    return Error::kNone;
  }

  Error FinishTrailers() {
    for (const auto& want : options.expected_trailers) {
      bool found = false;
      for (const auto& t : trailers) found = found || t.first == internal::AsciiLower(want);
      if (!found) return Fail(Error::kMissingTrailer, "The trailer " + want + " was not sent.");
    }
    if (options.mode == PayloadMode::kStreamingSignedTrailer) {
      if (!trailer_signature) {
        return Fail(Error::kMalformedChunk, "the x-amz-trailer-signature line is missing");
      }
      std::string sts = "AWS4-HMAC-SHA256-TRAILER\n";
      sts.append(options.amz_date).push_back('\n');
      sts.append(scope).push_back('\n');
      sts.append(previous_signature).push_back('\n');
      sts.append(HexSha256(trailer_text));
      std::string expected = HexHmacSha256(options.signing_key, sts);
      if (!internal::ConstantTimeEquals(expected, *trailer_signature)) {
        return Fail(Error::kChunkSignatureMismatch,
                    "The trailer signature does not match the calculated signature.");
      }
      previous_signature = std::move(expected);
    }
    for (const auto& [name, value] : trailers) {
      if (!name.starts_with("x-amz-checksum-")) continue;
      RunningChecksum* running = nullptr;
      for (auto& c : checksums) {
        if (c.header == name) running = &c;
      }
      if (running == nullptr) {
        return Fail(Error::kMalformedChunk,
                    "The trailer " + name + " was not declared in x-amz-trailer.");
      }
      std::string computed = running->checksum.Digest();
      auto provided = Base64Decode(value);
      if (!provided || provided->size() != computed.size()) {
        return Fail(Error::kTrailerChecksumMismatch,
                    "Value for " + name + " trailing header is invalid.");
      }
      if (*provided != computed) {
        return Fail(Error::kTrailerChecksumMismatch,
                    "The " + std::string(ChecksumAlgorithmName(running->checksum.algorithm())) +
                        " you specified did not match the calculated checksum.");
      }
    }
    state = State::kDone;
    return Error::kNone;
  }

  Error Feed(std::string_view data) {
    if (state == State::kFailed) return error;
    size_t pos = 0;
    while (pos < data.size()) {
      switch (state) {
        case State::kFailed:
          return error;
        case State::kDone:
          return Fail(Error::kMalformedChunk, "data after the end of the aws-chunked body");
        case State::kHeader:
          if (!ReadLine(data, pos)) {
            if (state == State::kFailed) return error;
            break;
          }
          if (Error e = ParseChunkHeader(); e != Error::kNone) return e;
          break;
        case State::kData: {
          size_t n = static_cast<size_t>(std::min<uint64_t>(remaining, data.size() - pos));
          std::string_view piece = data.substr(pos, n);
          if (Signed()) chunk_hash.Update(piece);
          for (auto& c : checksums) c.checksum.Update(piece);
          if (sink) sink(piece);
          decoded += n;
          remaining -= n;
          pos += n;
          if (remaining == 0) state = State::kDataCr;
          break;
        }
        case State::kDataCr:
          if (data[pos++] != '\r') {
            return Fail(Error::kMalformedChunk, "chunk data not followed by CRLF");
          }
          state = State::kDataLf;
          break;
        case State::kDataLf:
          if (data[pos++] != '\n') {
            return Fail(Error::kMalformedChunk, "chunk data not followed by CRLF");
          }
          if (Signed()) {
            if (Error e = VerifyChunk(chunk_hash.HexFinal()); e != Error::kNone) return e;
          }
          state = State::kHeader;
          break;
        case State::kTrailer:
          if (!ReadLine(data, pos)) {
            if (state == State::kFailed) return error;
            break;
          }
          if (line.empty()) {
            if (Error e = FinishTrailers(); e != Error::kNone) return e;
          } else if (Error e = ParseTrailerLine(); e != Error::kNone) {
            return e;
          }
          break;
      }
    }
    return state == State::kFailed ? error : Error::kNone;
  }

  Error Finish() {
    if (state == State::kFailed) return error;
    if (state == State::kTrailer && line.empty() && trailer_lines == 0) {
      // The body ended right after the final chunk's header line.
      if (HasTrailer() && !options.expected_trailers.empty()) {
        return Fail(Error::kMissingTrailer,
                    "The trailer " + options.expected_trailers.front() + " was not sent.");
      }
      // Some clients omit the closing CRLF of a trailer-less body; it carries nothing.
      if (Error e = FinishTrailers(); e != Error::kNone) return e;
    }
    if (state != State::kDone) {
      return Fail(Error::kIncompleteBody,
                  "The aws-chunked body ended before its final chunk and trailers.");
    }
    if (options.decoded_content_length && decoded != *options.decoded_content_length) {
      return Fail(Error::kDecodedLengthMismatch,
                  "Decoded " + std::to_string(decoded) +
                      " bytes but x-amz-decoded-content-length is " +
                      std::to_string(*options.decoded_content_length) + ".");
    }
    return Error::kNone;
  }
};

ChunkedDecoder::ChunkedDecoder(ChunkedOptions options, Sink sink) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->sink = std::move(sink);
  impl_->previous_signature = impl_->options.seed_signature;
  impl_->scope = impl_->options.scope.ToString();
  for (const auto& name : impl_->options.expected_trailers) {
    std::string lower = internal::AsciiLower(name);
    constexpr std::string_view kPrefix = "x-amz-checksum-";
    if (!lower.starts_with(kPrefix)) continue;
    if (auto alg = ParseChecksumAlgorithm(std::string_view(lower).substr(kPrefix.size()))) {
      impl_->checksums.push_back({lower, Checksum(*alg)});
    }
  }
  if (impl_->options.mode != PayloadMode::kStreamingSigned &&
      impl_->options.mode != PayloadMode::kStreamingSignedTrailer &&
      impl_->options.mode != PayloadMode::kStreamingUnsignedTrailer) {
    impl_->Fail(Error::kMalformedChunk, "aws-chunked decoding needs a STREAMING-* payload mode");
  }
}

ChunkedDecoder::~ChunkedDecoder() = default;

Error ChunkedDecoder::Feed(std::string_view data) { return impl_->Feed(data); }
Error ChunkedDecoder::Finish() { return impl_->Finish(); }
uint64_t ChunkedDecoder::decoded_length() const { return impl_->decoded; }
const std::vector<std::pair<std::string, std::string>>& ChunkedDecoder::trailers() const {
  return impl_->trailers;
}
const std::string& ChunkedDecoder::error_detail() const { return impl_->detail; }

}  // namespace skiff::sigv4
