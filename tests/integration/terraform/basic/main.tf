# A configuration that needs no provider download: only the built-in terraform_data resource.
# The S3 backend settings come from -backend-config=<file> (see tfcli.backend_config).
terraform {
  backend "s3" {}
}

variable "message" {
  type    = string
  default = "hello"
}

resource "terraform_data" "app" {
  input = var.message
}

output "message" {
  value = terraform_data.app.output
}
