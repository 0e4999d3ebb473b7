#include "server/s3/listing.h"

#include <gtest/gtest.h>

#include <string>

#include "server/s3/xml.h"

namespace skiff::s3 {
namespace {

QueryParams Q(std::string_view raw) {
  QueryParams q;
  EXPECT_TRUE(q.Parse(raw));
  return q;
}

TEST(ListParams, Defaults) {
  ListParams p;
  ASSERT_FALSE(ParseListParams(Q("list-type=2"), true, &p));
  EXPECT_EQ(p.max_keys, 1000u);
  EXPECT_FALSE(p.url_encoding);
  EXPECT_FALSE(p.fetch_owner);
  EXPECT_EQ(p.resume_after, "");
}

TEST(ListParams, MaxKeysCappedAndValidated) {
  ListParams p;
  ASSERT_FALSE(ParseListParams(Q("max-keys=5000"), false, &p));
  EXPECT_EQ(p.max_keys, 1000u);
  EXPECT_EQ(p.requested_max_keys, 5000u);
  ASSERT_FALSE(ParseListParams(Q("max-keys=0"), false, &p));
  EXPECT_EQ(p.max_keys, 0u);

  auto err = ParseListParams(Q("max-keys=abc"), true, &p);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), "InvalidArgument");
  EXPECT_EQ(err->fields[0].second, "max-keys");
  err = ParseListParams(Q("max-keys=-1"), true, &p);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code(), "InvalidArgument");
}

TEST(ListParams, EncodingTypeAndTokens) {
  ListParams p;
  auto err = ParseListParams(Q("encoding-type=xml"), true, &p);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->effective_message(), "Invalid Encoding Method specified in Request");

  std::string tok = EncodeContinuationToken("dir/a b\xE2\x82\xAC");
  EXPECT_EQ(*DecodeContinuationToken(tok), "dir/a b\xE2\x82\xAC");
  EXPECT_EQ(*DecodeContinuationToken(EncodeContinuationToken("a")), "a");
  EXPECT_EQ(*DecodeContinuationToken(EncodeContinuationToken("ab")), "ab");
  for (std::string_view k : {"\xfb\xff", "a?b>c~", "x"}) {
    std::string t = EncodeContinuationToken(k);
    EXPECT_EQ(t.find_first_of("+/="), std::string::npos) << t;
    EXPECT_EQ(*DecodeContinuationToken(t), k);
  }
  EXPECT_FALSE(DecodeContinuationToken("a b"));
  EXPECT_FALSE(DecodeContinuationToken("abcde"));

  QueryParams q;
  q.Add("list-type", "2");
  q.Add("start-after", "b");
  q.Add("continuation-token", tok);
  ASSERT_FALSE(ParseListParams(q, true, &p));
  EXPECT_EQ(p.resume_after, "dir/a b\xE2\x82\xAC");
  EXPECT_EQ(p.start_after, "b");

  err = ParseListParams(Q("continuation-token=%21%21%21"), true, &p);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->effective_message(), "The continuation token provided is incorrect");

  ASSERT_FALSE(ParseListParams(Q("marker=m"), false, &p));
  EXPECT_EQ(p.resume_after, "m");
}

storage::ObjectRecord Obj(std::string key) {
  storage::ObjectRecord o;
  o.key = std::move(key);
  o.size = 3;
  o.etag = "900150983cd24fb0d6963f7d28e17f72";
  o.last_modified_ms = 1'700'000'000'123;
  o.owner_account = "000000000000";
  return o;
}

TEST(ListRender, V2Document) {
  ListParams p;
  ASSERT_FALSE(ParseListParams(Q("list-type=2&delimiter=%2F&max-keys=2"), true, &p));
  storage::ListOutput out;
  out.objects.push_back(Obj("a.txt"));
  out.common_prefixes.push_back("dir/");
  out.truncated = true;
  out.next_marker = "dir/";
  std::string xml = RenderListResult(p, "bkt", out);
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Name>bkt</Name><Prefix></Prefix>"
            "<NextContinuationToken>" +
                EncodeContinuationToken("dir/") +
                "</NextContinuationToken>"
                "<KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter>"
                "<IsTruncated>true</IsTruncated>"
                "<Contents><Key>a.txt</Key><LastModified>2023-11-14T22:13:20.123Z</LastModified>"
                "<ETag>&quot;900150983cd24fb0d6963f7d28e17f72&quot;</ETag><Size>3</Size>"
                "<StorageClass>STANDARD</StorageClass></Contents>"
                "<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>"
                "</ListBucketResult>");
}

TEST(ListRender, V1OwnerMarkerAndUrlEncoding) {
  ListParams p;
  ASSERT_FALSE(ParseListParams(Q("marker=a+b&encoding-type=url"), false, &p));
  storage::ListOutput out;
  out.objects.push_back(Obj("c d"));
  out.truncated = true;
  out.next_marker = "c d";
  std::string xml = RenderListResult(p, "bkt", out);
  EXPECT_NE(xml.find("<Marker>a+b</Marker>"), std::string::npos) << xml;
  // No delimiter: S3 leaves NextMarker out.
  EXPECT_EQ(xml.find("NextMarker"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<EncodingType>url</EncodingType>"), std::string::npos);
  EXPECT_NE(xml.find("<Key>c+d</Key>"), std::string::npos);
  EXPECT_NE(xml.find("<Owner><ID>"), std::string::npos);

  ASSERT_FALSE(ParseListParams(Q("delimiter=/"), false, &p));
  xml = RenderListResult(p, "bkt", out);
  EXPECT_NE(xml.find("<NextMarker>c d</NextMarker>"), std::string::npos) << xml;
}

TEST(IsoTimestamp, MillisecondsInUtc) {
  EXPECT_EQ(IsoTimestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(IsoTimestamp(1767225600007), "2026-01-01T00:00:00.007Z");
  EXPECT_EQ(IsoTimestamp(951782400999), "2000-02-29T00:00:00.999Z");
  EXPECT_EQ(IsoTimestamp(253402300799123), "9999-12-31T23:59:59.123Z");
}

TEST(XmlEscape, EntitiesControlCharactersAndRuns) {
  EXPECT_EQ(XmlEscape(""), "");
  EXPECT_EQ(XmlEscape("plain/key-1.txt"), "plain/key-1.txt");
  EXPECT_EQ(XmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(XmlEscape("&start"), "&amp;start");
  EXPECT_EQ(XmlEscape("end>"), "end&gt;");
  EXPECT_EQ(XmlEscape(std::string("x\x01y\tz\n\x7f\0", 8)), "x&#1;y\tz\n&#127;&#0;");
  EXPECT_EQ(XmlEscape("\xc3\xa9t\xc3\xa9"), "\xc3\xa9t\xc3\xa9");  // UTF-8 passes through
}

}  // namespace
}  // namespace skiff::s3
