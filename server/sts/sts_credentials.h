// Temporary credentials as STS issues them: "ASIA…" key, secret, session token and expiry,
// registered in the CredentialStore (which enforces the expiry: ExpiredToken), and their XML.
// They live in memory only: a restart ends every session, as if they had expired.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "server/common/credentials.h"
#include "server/sts/query.h"

namespace skiff::sts {

// Issues credentials acting as `identity` (account, arn, user name, user id are copied) for
// `duration_seconds` from call.now, and registers them.
common::Credential IssueCredentials(const Call& call, const common::Credential& identity,
                                    int duration_seconds);

// "<Credentials>…</Credentials>" (indented for a Result element).
std::string CredentialsXml(const common::Credential& issued);

// A DurationSeconds parameter: `fallback` when absent; ValidationError outside [min, max].
std::optional<QueryError> DurationParam(const Call& call, int min, int max, int fallback,
                                        int* out);

// RoleSessionName: 2-64 characters of [\w+=,.@-].
std::optional<QueryError> ValidateSessionName(std::string_view name);

// "arn:aws:iam::<account>:role/<path/>name" -> account and name; false if not a role ARN.
bool ParseRoleArn(std::string_view arn, std::string* account, std::string* name);

}  // namespace skiff::sts
