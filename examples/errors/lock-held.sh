#!/usr/bin/env bash
# Lock held: another run (or a crashed one) holds the state lock. With use_lockfile the lock is
# the object <key>.tflock, written with If-None-Match: *, so S3 answers 412 PreconditionFailed;
# Terraform then reads the lock file and shows who holds it.
# (The same answer without a real lock: the fault preset {"preset":"lock-held"}; with
#  dynamodb_table it is ConditionalCheckFailedException.)
source "$(dirname "$0")/common.sh"

step "Set-up: bucket tf-state-locked with a state, and a lock file left by another run"
ensure_bucket tf-state-locked
cd "$(tf_project lock-held 'bucket = "tf-state-locked"' 'key = "app/terraform.tfstate"' \
  'region = "us-east-1"' 'use_lockfile = true')"
show_backend .
terraform init -no-color >/dev/null
terraform apply -no-color -auto-approve >/dev/null
LOCK_ID=8a3c2d4e-0b1f-4c6a-9e2d-5f7a1b3c9d0e
cat >lock.json <<JSON
{"ID":"$LOCK_ID","Operation":"OperationTypeApply","Info":"","Who":"alice@ci-runner-7","Version":"1.11.4","Created":"2025-06-02T09:14:03.123456789Z","Path":"tf-state-locked/app/terraform.tfstate"}
JSON
run awsk s3api put-object --bucket tf-state-locked --key app/terraform.tfstate.tflock \
  --body lock.json --content-type application/json --query ETag

step "Terraform plan, waiting at most 2 s for the lock"
expect_failure terraform plan -no-color -lock-timeout=2s

step "Fix (once you know the holder is gone): force-unlock with the lock's ID"
run terraform force-unlock -no-color -force "$LOCK_ID"
run terraform plan -no-color
