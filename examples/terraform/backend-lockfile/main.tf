# Terraform state in Skiff's S3, locked with an S3 lock file (`use_lockfile`: a
# `<key>.tflock` object written with `If-None-Match: *`). Terraform >= 1.10 or OpenTofu >= 1.10.
#
# Skiff must already have the bucket, e.g.  SKIFF_BUCKETS=tf-state:versioned skiff
# Credentials come from the environment: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test.
#
# No skip_* setting is needed: Skiff answers the STS GetCallerIdentity call Terraform uses to
# validate credentials and find the account ID (docs/terraform.md explains each skip_*).
terraform {
  backend "s3" {
    bucket       = "tf-state"
    key          = "backend-lockfile/terraform.tfstate"
    region       = "us-east-1"
    use_lockfile = true

    # S3 holds the state and the lock; STS and IAM serve the credential check and account ID.
    endpoints = {
      s3  = "http://localhost:4566"
      sts = "http://localhost:4566"
      iam = "http://localhost:4566"
    }
    use_path_style = true # http://localhost:4566/tf-state/<key>, no <bucket>.localhost DNS
  }
}

# A resource that needs no provider download, so `terraform apply` writes real state.
resource "terraform_data" "example" {
  input = "state locked with an S3 lock file"
}

output "example" {
  value = terraform_data.example.output
}
