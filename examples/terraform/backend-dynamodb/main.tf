# Terraform state in Skiff's S3, locked with a DynamoDB table (the `dynamodb_table` setting).
# Terraform >= 1.6 or OpenTofu >= 1.6 (the `endpoints` object and `use_path_style`).
#
# Skiff must already have the bucket and the lock table, e.g.
#   SKIFF_BUCKETS=tf-state:versioned SKIFF_TABLES=terraform-locks:LockID skiff
# Credentials come from the environment: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test.
#
# No skip_* setting is needed: Skiff answers the STS GetCallerIdentity call Terraform uses to
# validate credentials and find the account ID (docs/terraform.md explains each skip_*).
terraform {
  backend "s3" {
    bucket         = "tf-state"
    key            = "backend-dynamodb/terraform.tfstate"
    region         = "us-east-1"
    dynamodb_table = "terraform-locks" # deprecated since Terraform 1.11 in favour of use_lockfile

    # Every AWS service the backend talks to goes to Skiff: S3 (state), DynamoDB (lock and
    # digest), STS and IAM (credential check and account ID).
    endpoints = {
      s3       = "http://localhost:4566"
      dynamodb = "http://localhost:4566"
      sts      = "http://localhost:4566"
      iam      = "http://localhost:4566"
    }
    use_path_style = true # http://localhost:4566/tf-state/<key>, no <bucket>.localhost DNS
  }
}

# A resource that needs no provider download, so `terraform apply` writes real state.
resource "terraform_data" "example" {
  input = "state locked with DynamoDB"
}

output "example" {
  value = terraform_data.example.output
}
