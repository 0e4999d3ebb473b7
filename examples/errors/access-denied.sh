#!/usr/bin/env bash
# AccessDenied from a missing permission: a CI user has the S3 permissions Terraform documented
# before S3 lock files (ListBucket on the bucket; Get/Put/DeleteObject on the state key), and
# the backend turns on use_lockfile. The lock file <key>.tflock is another object, so taking
# the lock is denied.
source "$(dirname "$0")/common.sh"

BUCKET=tf-state-iam
USER_NAME=ci-deployer
STATE="arn:aws:s3:::$BUCKET/app/terraform.tfstate"
cd "$(tf_project access-denied "bucket = \"$BUCKET\"" 'key = "app/terraform.tfstate"' \
  'region = "us-east-1"' 'use_lockfile = true')"

step "Set-up: bucket $BUCKET, IAM user $USER_NAME with a policy for the state object only"
ensure_bucket "$BUCKET"
awsk iam create-user --user-name "$USER_NAME" >/dev/null 2>&1 || true
cat >policy.json <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::$BUCKET"},
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
   "Resource": "$STATE"}]}
JSON
cat policy.json
run awsk iam put-user-policy --user-name "$USER_NAME" --policy-name terraform-state \
  --policy-document file://policy.json
for key in $(awsk iam list-access-keys --user-name "$USER_NAME" \
    --query 'AccessKeyMetadata[].AccessKeyId' --output text); do
  awsk iam delete-access-key --user-name "$USER_NAME" --access-key-id "$key"
done
read -r KEY SECRET < <(awsk iam create-access-key --user-name "$USER_NAME" \
  --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
export AWS_ACCESS_KEY_ID="$KEY" AWS_SECRET_ACCESS_KEY="$SECRET"
echo "(Terraform runs with a new access key of $USER_NAME from here on)"

step "Terraform with use_lockfile = true"
show_backend .
run terraform init -no-color
expect_failure terraform apply -no-color -auto-approve

step "Fix: allow the lock file too (Get/Put/DeleteObject on $STATE.tflock)"
sed -i "s|\"Resource\": \"$STATE\"|\"Resource\": [\"$STATE\", \"$STATE.tflock\"]|" policy.json
cat policy.json
AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test run awsk iam put-user-policy \
  --user-name "$USER_NAME" --policy-name terraform-state --policy-document file://policy.json
run terraform apply -no-color -auto-approve
