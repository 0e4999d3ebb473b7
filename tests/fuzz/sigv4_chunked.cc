// Fuzzes sigv4::ChunkedDecoder: the first bytes choose the mode, the announced trailer and
// x-amz-decoded-content-length; the rest is the body, fed in pieces of fuzzer-chosen sizes.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sigv4/chunked.h"
#include "sigv4/sigv4.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace skiff::sigv4;
  FuzzedDataProvider in(data, size);
  static constexpr PayloadMode kModes[] = {PayloadMode::kStreamingSigned,
                                           PayloadMode::kStreamingSignedTrailer,
                                           PayloadMode::kStreamingUnsignedTrailer};
  static constexpr const char* kTrailers[] = {"x-amz-checksum-crc32", "x-amz-checksum-crc32c",
                                              "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1",
                                              "x-amz-checksum-sha256"};
  ChunkedOptions options;
  options.mode = in.PickValueInArray(kModes);
  options.scope = Scope{"20130524", "us-east-1", "s3"};
  options.amz_date = "20130524T000000Z";
  options.signing_key = SigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", options.scope);
  options.seed_signature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  if (options.mode != PayloadMode::kStreamingSigned && in.ConsumeBool()) {
    options.expected_trailers.emplace_back(in.PickValueInArray(kTrailers));
  }
  if (in.ConsumeBool()) options.decoded_content_length = in.ConsumeIntegralInRange<uint64_t>(0, 1 << 20);

  uint64_t sunk = 0;
  ChunkedDecoder decoder(options, [&](std::string_view decoded) { sunk += decoded.size(); });
  Error error = Error::kNone;
  while (in.remaining_bytes() > 0 && error == Error::kNone) {
    size_t piece = in.ConsumeIntegralInRange<size_t>(1, 4096);
    std::string bytes = in.ConsumeBytesAsString(piece);
    error = decoder.Feed(bytes);
  }
  if (error == Error::kNone) error = decoder.Finish();
  if (sunk < decoder.decoded_length()) __builtin_trap();  // the sink saw every decoded byte
  (void)decoder.trailers();
  (void)decoder.error_detail();
  return 0;
}
