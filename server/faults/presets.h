// The named presets: their names, which services (and by default which operations) each applies
// to, and the action each stands for per service.
#pragma once

#include <string_view>

#include "server/faults/faults.h"

namespace skiff::faults {

inline constexpr std::string_view kDefaultRedirectRegion = "eu-west-1";
inline constexpr std::chrono::milliseconds kDefaultSlowLatency{2000};

// "throttle" <-> Preset::kThrottle. Parse: false for an unknown name.
std::string_view PresetName(Preset preset);
bool ParsePreset(std::string_view name, Preset* out);
// "wrong-region, access-denied, ..." for error messages.
std::string PresetNames();

// Whether `preset` has a meaning for `service` ("s3", "dynamodb", "sts", "iam").
bool PresetServes(Preset preset, std::string_view service);
// The preset's own restriction on a target: its services, and for lock-held the conditional
// writes (S3 PutObject/CompleteMultipartUpload; DynamoDB PutItem/UpdateItem/DeleteItem) unless
// the rule names operations itself.
bool PresetApplies(const Rule& rule, const Target& target);

// Where `rule` makes a bucket appear to live (its redirect_region, else wrong-region's region),
// or "" when it redirects nothing.
std::string RedirectRegion(const Rule& rule);

// The action `rule` stands for on `target`: the preset's action for the target's service (none
// for kNone), then every field the rule's own action sets on top.
Action ResolveAction(const Rule& rule, const Target& target);

}  // namespace skiff::faults
