# Sourced by the scenario scripts in this directory. Each script sets up one failure against a
# running Skiff and runs the client that meets it.
#
#   SKIFF_ENDPOINT   Skiff's URL (default http://localhost:4566)
#
# Needs: bash, curl, the AWS CLI (aws) and terraform >= 1.10 on PATH.
set -euo pipefail
exec 2>&1 # one stream, in order: what the commands print and the errors they report

SKIFF_ENDPOINT="${SKIFF_ENDPOINT:-http://localhost:4566}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_PAGER="" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# A heading for each part of the output.
step() { printf '\n== %s\n' "$*"; }

# Prints a command as a user would type it (awsk spelled out).
show() {
  local line="$*"
  printf '$ %s\n' "${line/#awsk /aws --endpoint-url $SKIFF_ENDPOINT }"
}

# Prints a command, then runs it.
run() {
  show "$@"
  "$@"
}

# Prints a command, runs it, and stops the script if it does NOT fail.
expect_failure() {
  show "$@"
  if "$@"; then
    echo "!! expected this command to fail" >&2
    exit 1
  fi
  echo "(failed as expected)"
}

awsk() { aws --endpoint-url "$SKIFF_ENDPOINT" "$@"; }

# Creates a bucket unless it exists (in the given region, default us-east-1).
ensure_bucket() {
  local bucket="$1" region="${2:-us-east-1}" config=()
  [ "$region" = us-east-1 ] || config=(--create-bucket-configuration "LocationConstraint=$region")
  awsk --region "$region" s3api create-bucket --bucket "$bucket" "${config[@]}" >/dev/null 2>&1 ||
    awsk --region "$region" s3api head-bucket --bucket "$bucket" >/dev/null
}

# Writes $WORK/<dir>/main.tf: an S3 backend pointed at Skiff (all four endpoints, path style)
# with the settings given as arguments ('bucket = "x"' ...), and one terraform_data resource.
tf_project() {
  local dir="$WORK/$1"
  shift
  mkdir -p "$dir"
  {
    echo 'terraform {'
    echo '  backend "s3" {'
    for setting in "$@"; do echo "    $setting"; done
    echo "    endpoints = {"
    for service in s3 dynamodb sts iam; do echo "      $service = \"$SKIFF_ENDPOINT\""; done
    echo "    }"
    echo '    use_path_style = true'
    echo '  }'
    echo '}'
    echo 'resource "terraform_data" "example" {'
    echo '  input = "hello"'
    echo '}'
  } >"$dir/main.tf"
  echo "$dir"
}

# Shows a project's backend block.
show_backend() { sed -n '/backend "s3"/,/^  }/p' "$1/main.tf"; }

