#!/usr/bin/env bash
# Missing lock table: the backend names a DynamoDB table that does not exist (not created yet,
# a typo, or another region). `terraform init` still succeeds, because the backend never
# checks the table; the first command that takes the lock fails.
# (The same answer for an existing table: the fault preset
#  {"preset":"missing-table","match":{"table":"terraform-locks"}}.)
source "$(dirname "$0")/common.sh"

step "Set-up: bucket tf-state-nolock, and no table terraform-locks-missing"
ensure_bucket tf-state-nolock
awsk dynamodb delete-table --table-name terraform-locks-missing >/dev/null 2>&1 || true
expect_failure awsk dynamodb describe-table --table-name terraform-locks-missing

step "Terraform with dynamodb_table = \"terraform-locks-missing\""
cd "$(tf_project missing-lock-table 'bucket = "tf-state-nolock"' 'key = "app/terraform.tfstate"' \
  'region = "us-east-1"' 'dynamodb_table = "terraform-locks-missing"')"
show_backend .
run terraform init -no-color
expect_failure terraform plan -no-color

step "Fix: create the table (partition key LockID, type S)"
run awsk dynamodb create-table --table-name terraform-locks-missing \
  --attribute-definitions AttributeName=LockID,AttributeType=S \
  --key-schema AttributeName=LockID,KeyType=HASH --billing-mode PAY_PER_REQUEST \
  --query TableDescription.TableStatus
run terraform plan -no-color
awsk dynamodb delete-table --table-name terraform-locks-missing >/dev/null
