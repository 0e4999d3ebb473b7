#!/usr/bin/env bash
# Wrong bucket region: the state bucket lives in eu-west-1, the backend says us-east-1.
# S3 answers every request signed for the wrong region with 301 PermanentRedirect and the
# bucket's real region in x-amz-bucket-region; Terraform's S3 client does not follow it.
# (The same answer without creating anything: the fault preset
#  {"preset":"wrong-region","region":"eu-west-1","match":{"bucket":"tf-state"}}.)
source "$(dirname "$0")/common.sh"

step "Set-up: bucket tf-state-eu in eu-west-1"
ensure_bucket tf-state-eu eu-west-1
run awsk --region eu-west-1 s3api get-bucket-location --bucket tf-state-eu

step "Terraform, backend region us-east-1"
cd "$(tf_project wrong-region 'bucket = "tf-state-eu"' 'key = "app/terraform.tfstate"' \
  'region = "us-east-1"' 'use_lockfile = true')"
show_backend .
expect_failure terraform init -no-color

step "Fix: region = \"eu-west-1\""
sed -i 's/"us-east-1"/"eu-west-1"/' main.tf
run terraform init -no-color -reconfigure
