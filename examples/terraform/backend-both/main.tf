# Terraform state in Skiff's S3 with both locks at once: the S3 lock file (`use_lockfile`) and
# the DynamoDB table (`dynamodb_table`). Terraform takes the lock file first, then the table
# item, and releases both. This is the migration step from DynamoDB to S3-native locking.
# Terraform >= 1.10 or OpenTofu >= 1.10.
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
    key            = "backend-both/terraform.tfstate"
    region         = "us-east-1"
    use_lockfile   = true
    dynamodb_table = "terraform-locks" # deprecated since Terraform 1.11 in favour of use_lockfile

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
  input = "state locked with an S3 lock file and DynamoDB"
}

output "example" {
  value = terraform_data.example.output
}
