#!/usr/bin/env bash
# Bad credentials: a wrong secret key, and an access key Skiff does not know. Terraform's first
# call is STS GetCallerIdentity (credential validation), which answers as AWS does.
# With skip_credentials_validation the same keys fail at the first S3 call instead.
source "$(dirname "$0")/common.sh"

step "Set-up: bucket tf-state-creds"
ensure_bucket tf-state-creds
cd "$(tf_project bad-credentials 'bucket = "tf-state-creds"' 'key = "app/terraform.tfstate"' \
  'region = "us-east-1"' 'use_lockfile = true')"
show_backend .

step "A wrong secret key for the access key test"
expect_failure env AWS_SECRET_ACCESS_KEY=not-the-secret terraform init -no-color

step "An access key Skiff does not know"
expect_failure env AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE terraform init -no-color -reconfigure

step "The unknown key with skip_credentials_validation and skip_requesting_account_id"
expect_failure env AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE terraform init -no-color -reconfigure \
  -backend-config=skip_credentials_validation=true \
  -backend-config=skip_requesting_account_id=true
