// How items are keyed, validated against the key schema, encoded for storage and indexed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/dynamodb/expr/value.h"
#include "server/dynamodb/table_model.h"
#include "storage/table_store.h"

namespace skiff::dynamodb {

// DynamoDB's limit on one item (names plus values).
inline constexpr size_t kMaxItemBytes = 400 * 1024;

// A Key parameter (GetItem, DeleteItem, UpdateItem): exactly the key attributes with the
// defined types, else ValidationException "The provided key element does not match the schema".
storage::ItemKey ValidateKey(const Item& key, const TableModel& model);
// DynamoDB words the 400 KB limit differently for a whole new item (PutItem, BatchWriteItem,
// TransactWriteItems Put) and for the result of an update (UpdateItem, TransactWriteItems Update).
inline constexpr std::string_view kItemTooLarge = "Item size has exceeded the maximum allowed size";
inline constexpr std::string_view kUpdatedItemTooLarge =
    "Item size to update has exceeded the maximum allowed size";

// A full item (PutItem): key attributes present with the defined types ("One or more parameter
// values were invalid: Missing the key LockID in the item", "... Type mismatch for key LockID
// expected: S actual: N"), empty key strings/binaries refused, index keys typed, and the 400 KB
// limit (ValidationException `too_large`).
storage::ItemKey ValidateItem(const Item& item, const TableModel& model,
                              std::string_view too_large = kItemTooLarge);

// The key attributes of `item` (for ReturnValues and UpdateItem's new items).
Item KeyAttributes(const Item& item, const TableModel& model);

storage::StoredItem EncodeStoredItem(const storage::ItemKey& key, const Item& item,
                                     const TableModel& model);
Item DecodeStoredItem(const storage::StoredItem& stored);

// Every index row of `item`: one per secondary index whose key attributes the item has.
std::vector<storage::IndexEntry> IndexEntries(const Item& item, const TableModel& model);

// A complete put for Mutate.
storage::ItemWrite PutWrite(int64_t table_id, const storage::ItemKey& key, const Item& item,
                            const TableModel& model);
storage::ItemWrite DeleteWrite(int64_t table_id, const storage::ItemKey& key);

}  // namespace skiff::dynamodb
