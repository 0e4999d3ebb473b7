// The IAM Query actions, one file per family: iam_user_actions.cc (users, access keys, inline
// user policies), iam_role_actions.cc (roles, inline role policies), iam_policy_actions.cc
// (managed policies, attachments, OIDC providers). Each appends its entries to the table.
#pragma once

#include <string>
#include <vector>

#include "server/iam/store.h"
#include "server/sts/query.h"

namespace skiff::sts {

void AddUserActions(std::vector<ActionSpec>* table);
void AddRoleActions(std::vector<ActionSpec>* table);
void AddPolicyActions(std::vector<ActionSpec>* table);

// "arn:aws:iam::<caller's account>:<kind>/<path><name>", the path taken from the entity when it
// exists (IAM authorizes on the entity's real ARN), else from `path`.
std::string UserResource(const Call& call, const std::string& name, const std::string& path = "/");
std::string RoleResource(const Call& call, const std::string& name, const std::string& path = "/");

// <User>/<Role> bodies (members only), indented for a member or a named element.
std::string UserXml(const iam::UserInfo& user, int indent);
std::string RoleXml(const iam::RoleInfo& role, int indent);

// "<Tags><member><Key/><Value/></member>…</Tags>" ("" without tags), as Create/Get answer them.
std::string TagsXml(const std::vector<iam::Tag>& tags, int indent);
// Tags.member.N.Key / Tags.member.N.Value.
std::vector<iam::Tag> TagsParam(const Call& call);

// The Path / PathPrefix parameter ("/" when absent).
std::string PathParam(const Call& call, const std::string& name);

}  // namespace skiff::sts
