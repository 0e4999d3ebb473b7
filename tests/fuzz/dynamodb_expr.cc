// Fuzzes the DynamoDB expression parsers. The first byte chooses the language (condition,
// filter, key condition, update, projection); the rest is the expression text. What parses is
// then resolved against fixed placeholders (#n -> "pk", #s -> "sk", :v -> S "x", :n -> N 1,
// :l -> L [S "x"]), and a resolved key condition goes through ToKeyCondition.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/dynamodb/expr/key_condition.h"
#include "server/dynamodb/expr/parser.h"
#include "server/dynamodb/expr/resolve.h"

namespace {

using namespace skiff::dynamodb::expr;
using skiff::dynamodb::AttributeValue;

const Placeholders& Fixed() {
  static const NameMap names = {{"#n", "pk"}, {"#s", "sk"}, {"#a", "a.b"}};
  static const ValueMap values = {{":v", AttributeValue::S("x")},
                                  {":n", AttributeValue::NFromString("1")},
                                  {":l", AttributeValue::L({AttributeValue::S("x")})},
                                  {":ss", AttributeValue::SS({"a", "b"})}};
  static const Placeholders p{&names, &values};
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  Usage usage;
  switch (data[0] % 5) {
    case 0:
    case 1:
    case 2: {
      static constexpr ExpressionKind kKinds[] = {ExpressionKind::kCondition,
                                                  ExpressionKind::kFilter,
                                                  ExpressionKind::kKeyCondition};
      ExpressionKind kind = kKinds[data[0] % 5];
      auto parsed = ParseCondition(text, kind);
      if (!parsed.ok()) return 0;
      Condition c = std::move(*parsed);
      if (!ResolveCondition(c, kind, Fixed(), usage).ok()) return 0;
      if (kind == ExpressionKind::kKeyCondition) {
        auto key = ToKeyCondition(c, KeySchemaNames{"pk", "sk"});
        if (key.ok() && key->range) (void)MatchesRange(*key->range, AttributeValue::S("x"));
        (void)ToKeyCondition(c, KeySchemaNames{"pk", std::nullopt});
      }
      break;
    }
    case 3: {
      auto parsed = ParseUpdate(text);
      if (!parsed.ok()) return 0;
      UpdateExpression u = std::move(*parsed);
      (void)ResolveUpdate(u, Fixed(), usage);
      break;
    }
    case 4: {
      auto parsed = ParseProjection(text);
      if (!parsed.ok()) return 0;
      Projection p = std::move(*parsed);
      (void)ResolveProjection(p, Fixed(), usage);
      break;
    }
  }
  return 0;
}
