# A state over 5 MiB: blob.txt (written by the test, > 2.5 MiB) is stored twice in the state,
# as the resource's input and output, so the backend uploads it in parts and reads it back with
# 5 MiB range GETs.
terraform {
  backend "s3" {}
}

resource "terraform_data" "blob" {
  input = file("${path.module}/blob.txt")
}

output "blob_sha256" {
  value = sha256(terraform_data.blob.output)
}
