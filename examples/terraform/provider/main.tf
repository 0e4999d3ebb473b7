# The AWS provider pointed at Skiff: creates the state bucket (versioned) and the lock table
# that the backend-* examples use. Run it once with local state:
#   AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test terraform init && terraform apply
# (or let Skiff create them at start-up instead: SKIFF_BUCKETS / SKIFF_TABLES / SKIFF_INIT).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"

  # Every service this configuration touches goes to Skiff. STS and IAM serve the provider's
  # credential check and account-ID lookup, so no skip_* setting is needed.
  endpoints {
    s3       = "http://localhost:4566"
    dynamodb = "http://localhost:4566"
    sts      = "http://localhost:4566"
    iam      = "http://localhost:4566"
  }
  s3_use_path_style = true # http://localhost:4566/tf-state, no tf-state.localhost DNS
}

resource "aws_s3_bucket" "state" {
  bucket = "tf-state"
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_dynamodb_table" "locks" {
  name         = "terraform-locks"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID" # the only key the S3 backend uses; type S, no sort key

  attribute {
    name = "LockID"
    type = "S"
  }
}

output "state_bucket" {
  value = aws_s3_bucket.state.bucket
}

output "lock_table" {
  value = aws_dynamodb_table.locks.name
}
