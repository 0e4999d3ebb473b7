package main

import (
	"errors"
	"fmt"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// expectAPIError checks that err is an API error with this HTTP status and error code, the way
// Terraform's backend tells them apart (smithy.APIError codes, awshttp.ResponseError status).
func expectAPIError(err error, status int, code string) error {
	if err == nil {
		return fmt.Errorf("succeeded, want %d %s", status, code)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("not an API error: %v", err)
	}
	if apiErr.ErrorCode() != code {
		return fmt.Errorf("code %q, want %q (%v)", apiErr.ErrorCode(), code, err)
	}
	var respErr *awshttp.ResponseError
	if !errors.As(err, &respErr) {
		return fmt.Errorf("no HTTP response in %v", err)
	}
	if respErr.HTTPStatusCode() != status {
		return fmt.Errorf("status %d, want %d (%v)", respErr.HTTPStatusCode(), status, err)
	}
	return nil
}
