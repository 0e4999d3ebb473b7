// IAM users, access keys and inline user policies.
#include "server/sts/iam_actions.h"

namespace skiff::sts {
namespace {

iam::IamStore& Store(const Call& call) { return *call.options.iam; }
const std::string& Account(const Call& call) { return call.principal.account_id; }

QueryError NonUserCaller() {
  return ValidationError("Must specify userName when calling with non-User credentials");
}

// UserName, or the calling IAM user's own name when the action allows leaving it out.
std::optional<QueryError> UserNameOrCaller(const Call& call, std::string* out) {
  if (std::optional<std::string> name = Param(call, "UserName")) {
    *out = *name;
    return std::nullopt;
  }
  if (call.principal.user_name.empty()) return NonUserCaller();
  *out = call.principal.user_name;
  return std::nullopt;
}

std::string CallerUserResource(const Call& call) {
  std::string name;
  if (UserNameOrCaller(call, &name)) {
    return "arn:aws:iam::" + Account(call) + ":user/" + call.principal.user_name;
  }
  return UserResource(call, name);
}

std::string NamedUserResource(const Call& call) {
  return UserResource(call, Param(call, "UserName").value_or(""), PathParam(call, "Path"));
}

std::string UsersResource(const Call& call) { return "arn:aws:iam::" + Account(call) + ":user/"; }

Outcome CreateUser(Call& call) {
  std::string name;
  if (auto e = Required(call, "UserName", "userName", &name)) return Fail(*e);
  iam::UserInfo user;
  iam::IamError e = Store(call).CreateUser(Account(call), name, PathParam(call, "Path"),
                                           TagsParam(call), &user);
  if (!e.ok()) return Fail(e);
  return Done("    <User>\n" + UserXml(user, 6) + TagsXml(user.tags, 6) + "    </User>\n");
}

Outcome GetUser(Call& call) {
  std::optional<std::string> name = Param(call, "UserName");
  if (!name && IsRoot(call.principal)) {
    // The account root has no IAM user: AWS describes it by account id and root ARN.
    return Done("    <User>\n" + Element("UserId", Account(call), 6) +
                Element("Arn", call.principal.arn, 6) +
                Element("CreateDate", Timestamp(int64_t{0}), 6) + "    </User>\n");
  }
  std::string user_name;
  if (auto err = UserNameOrCaller(call, &user_name)) return Fail(*err);
  iam::UserInfo user;
  iam::IamError e = Store(call).GetUser(Account(call), user_name, &user);
  if (!e.ok()) return Fail(e);
  return Done("    <User>\n" + UserXml(user, 6) + TagsXml(user.tags, 6) + "    </User>\n");
}

Outcome DeleteUser(Call& call) {
  std::string name;
  if (auto e = Required(call, "UserName", "userName", &name)) return Fail(*e);
  iam::IamError e = Store(call).DeleteUser(Account(call), name);
  return e.ok() ? Empty() : Fail(e);
}

Outcome ListUsers(Call& call) {
  std::vector<iam::UserInfo> users =
      Store(call).ListUsers(Account(call), Param(call, "PathPrefix").value_or(""));
  Page page;
  if (auto e = Paginate(call, users.size(), &page)) return Fail(*e);
  std::string out = "    <Users>\n";
  for (size_t i = page.begin; i < page.end; ++i) {
    out += "      <member>\n" + UserXml(users[i], 8) + "      </member>\n";
  }
  return Done(out + "    </Users>\n" + PageTail(page));
}

Outcome CreateAccessKey(Call& call) {
  std::string name;
  if (auto err = UserNameOrCaller(call, &name)) return Fail(*err);
  iam::AccessKeyInfo key;
  iam::IamError e = Store(call).CreateAccessKey(Account(call), name, &key);
  if (!e.ok()) return Fail(e);
  return Done("    <AccessKey>\n" + Element("UserName", key.user_name, 6) +
              Element("AccessKeyId", key.access_key, 6) + Element("Status", key.status, 6) +
              Element("SecretAccessKey", key.secret, 6) +
              Element("CreateDate", Timestamp(key.created_ms), 6) + "    </AccessKey>\n");
}

Outcome DeleteAccessKey(Call& call) {
  std::string key;
  if (auto e = Required(call, "AccessKeyId", "accessKeyId", &key)) return Fail(*e);
  std::string name;
  if (auto err = UserNameOrCaller(call, &name)) return Fail(*err);
  iam::IamError e = Store(call).DeleteAccessKey(Account(call), name, key);
  return e.ok() ? Empty() : Fail(e);
}

Outcome UpdateAccessKey(Call& call) {
  std::string key, status;
  if (auto e = Required(call, "AccessKeyId", "accessKeyId", &key)) return Fail(*e);
  if (auto e = Required(call, "Status", "status", &status)) return Fail(*e);
  std::string name;
  if (auto err = UserNameOrCaller(call, &name)) return Fail(*err);
  iam::IamError e = Store(call).UpdateAccessKey(Account(call), name, key, status);
  return e.ok() ? Empty() : Fail(e);
}

Outcome ListAccessKeys(Call& call) {
  std::string name;
  if (auto err = UserNameOrCaller(call, &name)) return Fail(*err);
  std::vector<iam::AccessKeyInfo> keys;
  iam::IamError e = Store(call).ListAccessKeys(Account(call), name, &keys);
  if (!e.ok()) return Fail(e);
  Page page;
  if (auto err = Paginate(call, keys.size(), &page)) return Fail(*err);
  std::string out = "    <AccessKeyMetadata>\n";
  for (size_t i = page.begin; i < page.end; ++i) {
    out += "      <member>\n" + Element("UserName", keys[i].user_name, 8) +
           Element("AccessKeyId", keys[i].access_key, 8) + Element("Status", keys[i].status, 8) +
           Element("CreateDate", Timestamp(keys[i].created_ms), 8) + "      </member>\n";
  }
  return Done(out + "    </AccessKeyMetadata>\n" + PageTail(page));
}

Outcome PutUserPolicy(Call& call) {
  std::string user, name, document;
  if (auto e = Required(call, "UserName", "userName", &user)) return Fail(*e);
  if (auto e = Required(call, "PolicyName", "policyName", &name)) return Fail(*e);
  if (auto e = Required(call, "PolicyDocument", "policyDocument", &document)) return Fail(*e);
  iam::IamError e = Store(call).PutUserPolicy(Account(call), user, name, document);
  return e.ok() ? Empty() : Fail(e);
}

Outcome GetUserPolicy(Call& call) {
  std::string user, name, document;
  if (auto e = Required(call, "UserName", "userName", &user)) return Fail(*e);
  if (auto e = Required(call, "PolicyName", "policyName", &name)) return Fail(*e);
  iam::IamError e = Store(call).GetUserPolicy(Account(call), user, name, &document);
  if (!e.ok()) return Fail(e);
  iam::UserInfo info;
  Store(call).GetUser(Account(call), user, &info);
  return Done(Element("UserName", info.name.empty() ? user : info.name, 4) +
              Element("PolicyName", name, 4) + Element("PolicyDocument", UrlEncode(document), 4));
}

Outcome DeleteUserPolicy(Call& call) {
  std::string user, name;
  if (auto e = Required(call, "UserName", "userName", &user)) return Fail(*e);
  if (auto e = Required(call, "PolicyName", "policyName", &name)) return Fail(*e);
  iam::IamError e = Store(call).DeleteUserPolicy(Account(call), user, name);
  return e.ok() ? Empty() : Fail(e);
}

Outcome ListUserPolicies(Call& call) {
  std::string user;
  if (auto e = Required(call, "UserName", "userName", &user)) return Fail(*e);
  std::vector<std::string> names;
  iam::IamError e = Store(call).ListUserPolicies(Account(call), user, &names);
  if (!e.ok()) return Fail(e);
  Page page;
  if (auto err = Paginate(call, names.size(), &page)) return Fail(*err);
  std::string out = "    <PolicyNames>\n";
  for (size_t i = page.begin; i < page.end; ++i) out += Element("member", names[i], 6);
  return Done(out + "    </PolicyNames>\n" + PageTail(page));
}

Outcome TagUser(Call& call) {
  std::string name;
  if (auto e = Required(call, "UserName", "userName", &name)) return Fail(*e);
  iam::IamError e = Store(call).TagUser(Account(call), name, TagsParam(call));
  return e.ok() ? Empty() : Fail(e);
}

Outcome UntagUser(Call& call) {
  std::string name;
  if (auto e = Required(call, "UserName", "userName", &name)) return Fail(*e);
  iam::IamError e = Store(call).UntagUser(Account(call), name, ListParam(call, "TagKeys"));
  return e.ok() ? Empty() : Fail(e);
}

Outcome ListUserTags(Call& call) {
  std::string name;
  if (auto e = Required(call, "UserName", "userName", &name)) return Fail(*e);
  iam::UserInfo user;
  if (iam::IamError e = Store(call).GetUser(Account(call), name, &user); !e.ok()) return Fail(e);
  std::string tags = TagsXml(user.tags, 4);
  return Done((tags.empty() ? "    <Tags/>\n" : tags) + Element("IsTruncated", "false", 4));
}

// Skiff has no IAM groups: a user is in none.
Outcome ListGroupsForUser(Call& call) {
  std::string name;
  if (auto e = Required(call, "UserName", "userName", &name)) return Fail(*e);
  if (iam::IamError e = Store(call).GetUser(Account(call), name, nullptr); !e.ok()) return Fail(e);
  return Done("    <Groups/>\n" + Element("IsTruncated", "false", 4));
}

}  // namespace

std::vector<iam::Tag> TagsParam(const Call& call) {
  std::vector<iam::Tag> tags;
  for (int i = 1;; ++i) {
    std::string prefix = "Tags.member." + std::to_string(i) + ".";
    std::optional<std::string> key = Param(call, prefix + "Key");
    if (!key) break;
    tags.push_back(iam::Tag{*key, Param(call, prefix + "Value").value_or("")});
  }
  return tags;
}

std::string TagsXml(const std::vector<iam::Tag>& tags, int indent) {
  if (tags.empty()) return "";
  std::string pad(static_cast<size_t>(indent), ' ');
  std::string out = pad + "<Tags>\n";
  for (const iam::Tag& t : tags) {
    out += pad + "  <member>\n" + Element("Key", t.key, indent + 4) +
           Element("Value", t.value, indent + 4) + pad + "  </member>\n";
  }
  return out + pad + "</Tags>\n";
}

std::string UserResource(const Call& call, const std::string& name, const std::string& path) {
  iam::UserInfo user;
  if (call.options.iam != nullptr && call.options.iam->GetUser(Account(call), name, &user).ok()) {
    return user.arn;
  }
  return "arn:aws:iam::" + Account(call) + ":user" + path + name;
}

std::string UserXml(const iam::UserInfo& user, int indent) {
  return Element("Path", user.path, indent) + Element("UserName", user.name, indent) +
         Element("UserId", user.user_id, indent) + Element("Arn", user.arn, indent) +
         Element("CreateDate", Timestamp(user.created_ms), indent);
}

std::string PathParam(const Call& call, const std::string& name) {
  return Param(call, name).value_or("/");
}

void AddUserActions(std::vector<ActionSpec>* table) {
  table->insert(table->end(), {
      {"CreateUser", CreateUser, NamedUserResource},
      {"GetUser", GetUser, CallerUserResource},
      {"DeleteUser", DeleteUser, NamedUserResource},
      {"ListUsers", ListUsers, UsersResource},
      {"CreateAccessKey", CreateAccessKey, CallerUserResource},
      {"UpdateAccessKey", UpdateAccessKey, CallerUserResource},
      {"DeleteAccessKey", DeleteAccessKey, CallerUserResource},
      {"ListAccessKeys", ListAccessKeys, CallerUserResource},
      {"PutUserPolicy", PutUserPolicy, NamedUserResource},
      {"GetUserPolicy", GetUserPolicy, NamedUserResource},
      {"DeleteUserPolicy", DeleteUserPolicy, NamedUserResource},
      {"ListUserPolicies", ListUserPolicies, NamedUserResource},
      {"ListGroupsForUser", ListGroupsForUser, NamedUserResource},
      {"TagUser", TagUser, NamedUserResource},
      {"UntagUser", UntagUser, NamedUserResource},
      {"ListUserTags", ListUserTags, NamedUserResource},
  });
}

}  // namespace skiff::sts
