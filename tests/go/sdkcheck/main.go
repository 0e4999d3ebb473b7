// Command sdkcheck drives, with the AWS SDK for Go v2 (the SDK family Terraform's S3 backend is
// built on), the S3, DynamoDB and STS calls that backend makes, against a Skiff endpoint, and
// checks every answer itself. It prints one "ok <check>" line per passed check, "FAIL <check>:
// <why>" per failed one, and exits non-zero if any failed.
//
// Usage: SKIFF_ENDPOINT=http://127.0.0.1:4566 sdkcheck
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// clients holds one client per service, configured the way the S3 backend configures them:
// static keys, an endpoint URL per service, path-style S3 addressing.
type clients struct {
	s3       *s3.Client
	dynamodb *dynamodb.Client
	sts      *sts.Client
	region   string
	suffix   string // makes bucket and table names unique per run
}

func newClients(endpoint, region string) *clients {
	cfg := aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		// Every answer the checks see is Skiff's first answer.
		Retryer: func() aws.Retryer { return aws.NopRetryer{} },
	}
	return &clients{
		s3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.EndpointResolver = s3.EndpointResolverFromURL(endpoint)
			o.UsePathStyle = true
		}),
		dynamodb: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
			o.EndpointResolver = dynamodb.EndpointResolverFromURL(endpoint)
		}),
		sts: sts.NewFromConfig(cfg, func(o *sts.Options) {
			o.EndpointResolver = sts.EndpointResolverFromURL(endpoint)
		}),
		region: region,
		suffix: fmt.Sprintf("%x", time.Now().UnixNano()),
	}
}

// runner runs named checks and counts failures.
type runner struct {
	failed int
	passed int
}

func (r *runner) check(name string, fn func() error) {
	if err := fn(); err != nil {
		r.failed++
		fmt.Printf("FAIL %s: %v\n", name, err)
		return
	}
	r.passed++
	fmt.Printf("ok %s\n", name)
}

func main() {
	endpoint := os.Getenv("SKIFF_ENDPOINT")
	if endpoint == "" {
		fmt.Fprintln(os.Stderr, "sdkcheck: set SKIFF_ENDPOINT (e.g. http://127.0.0.1:4566)")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := newClients(endpoint, "us-east-1")
	r := &runner{}
	r.check("sts-get-caller-identity", func() error { return checkCallerIdentity(ctx, c) })
	runS3Checks(ctx, c, r)
	runDynamoDBChecks(ctx, c, r)
	fmt.Printf("%d passed, %d failed\n", r.passed, r.failed)
	if r.failed > 0 {
		os.Exit(1)
	}
}

func checkCallerIdentity(ctx context.Context, c *clients) error {
	out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return err
	}
	if aws.ToString(out.Account) != "000000000000" {
		return fmt.Errorf("account %q", aws.ToString(out.Account))
	}
	if arn := aws.ToString(out.Arn); len(arn) < 13 || arn[:13] != "arn:aws:iam::" {
		return fmt.Errorf("arn %q does not parse as an IAM ARN", arn)
	}
	return nil
}
