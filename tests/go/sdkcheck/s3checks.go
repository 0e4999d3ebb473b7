package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const stateKey = "app/terraform.tfstate"

func b64CRC32(data []byte) string {
	var raw [4]byte
	binary.BigEndian.PutUint32(raw[:], crc32.ChecksumIEEE(data))
	return base64.StdEncoding.EncodeToString(raw[:])
}

func b64SHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// ifNoneMatchAll adds `If-None-Match: *` to a PutObject, as the backend's lockWithFile does
// (this SDK release predates the IfNoneMatch input member).
func ifNoneMatchAll(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue("If-None-Match", "*"))
}

// statusRecorder collects the HTTP status of every response a client sees.
type statusRecorder struct {
	mu       sync.Mutex
	statuses []int
	ranges   []string
}

func (s *statusRecorder) option(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middlewareStack) error {
		return stack.Deserialize.Add(recordMiddleware{s}, middlewareAfter)
	})
}

func readAll(out *s3.GetObjectOutput) ([]byte, error) {
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func runS3Checks(ctx context.Context, c *clients, r *runner) {
	bucket := "tfstate-" + c.suffix
	state := []byte(`{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"x","outputs":{},"resources":[]}`)

	r.check("s3-create-bucket", func() error {
		_, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		return err
	})
	r.check("s3-list-workspaces-empty", func() error {
		out, err := c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket),
			Prefix: aws.String("env:/"), MaxKeys: 1000})
		if err != nil {
			return err
		}
		if len(out.Contents) != 0 || out.IsTruncated {
			return fmt.Errorf("want an empty untruncated list, got %d keys", len(out.Contents))
		}
		return nil
	})
	r.check("s3-list-missing-bucket", func() error {
		_, err := c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
			Bucket: aws.String("no-such-bucket-" + c.suffix), Prefix: aws.String("env:/")})
		var typed *types.NoSuchBucket
		if !errors.As(err, &typed) {
			return fmt.Errorf("want a typed NoSuchBucket, got %v", err)
		}
		return expectAPIError(err, 404, "NoSuchBucket")
	})
	r.check("s3-head-missing-state", func() error {
		_, err := c.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(stateKey)})
		// HEAD errors have no body: the code comes from the status text. (This SDK release
		// does not model HeadObject's NotFound as a type yet; Terraform's newer one does.)
		return expectAPIError(err, 404, "NotFound")
	})
	r.check("s3-get-missing-state", func() error {
		_, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(stateKey), ChecksumMode: types.ChecksumModeEnabled})
		var typed *types.NoSuchKey
		if !errors.As(err, &typed) {
			return fmt.Errorf("want a typed NoSuchKey, got %v", err)
		}
		return expectAPIError(err, 404, "NoSuchKey")
	})
	r.check("s3-put-state-crc32", func() error {
		out, err := c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(stateKey), Body: bytes.NewReader(state),
			ContentType: aws.String("application/json"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		if err != nil {
			return err
		}
		if aws.ToString(out.ChecksumCRC32) != b64CRC32(state) {
			return fmt.Errorf("ChecksumCRC32 %q, want %q", aws.ToString(out.ChecksumCRC32), b64CRC32(state))
		}
		return nil
	})
	r.check("s3-head-state", func() error {
		out, err := c.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(stateKey)})
		if err != nil {
			return err
		}
		if out.ContentLength != int64(len(state)) || aws.ToString(out.ContentType) != "application/json" {
			return fmt.Errorf("ContentLength %d ContentType %q", out.ContentLength, aws.ToString(out.ContentType))
		}
		return nil
	})
	r.check("s3-get-state-checksum-mode", func() error {
		out, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(stateKey), ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			return err
		}
		body, err := readAll(out) // the SDK validates the body against ChecksumCRC32 here
		if err != nil {
			return err
		}
		if !bytes.Equal(body, state) || aws.ToString(out.ChecksumCRC32) != b64CRC32(state) {
			return fmt.Errorf("body %q checksum %q", body, aws.ToString(out.ChecksumCRC32))
		}
		return nil
	})
	r.check("s3-get-range-checksum-mode", func() error {
		out, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(stateKey), Range: aws.String("bytes=0-9"),
			ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			return err
		}
		body, err := readAll(out)
		if err != nil {
			return err
		}
		want := fmt.Sprintf("bytes 0-9/%d", len(state))
		if string(body) != string(state[:10]) || aws.ToString(out.ContentRange) != want {
			return fmt.Errorf("body %q Content-Range %q", body, aws.ToString(out.ContentRange))
		}
		// S3 sends no full-object checksum on a partial range (the SDK would reject it).
		if out.ChecksumCRC32 != nil || out.ChecksumSHA256 != nil {
			return fmt.Errorf("checksum header on a partial range")
		}
		return nil
	})
	r.check("s3-put-state-sha256-no-checksum", func() error {
		// Terraform's default (SHA256), then skip_s3_checksum with when_required (none).
		if _, err := c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(stateKey), Body: bytes.NewReader(state),
			ChecksumAlgorithm: types.ChecksumAlgorithmSha256}); err != nil {
			return err
		}
		_, err := c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(stateKey), Body: bytes.NewReader(state)})
		return err
	})
	runLockfileChecks(ctx, c, r, bucket)
	runMultipartChecks(ctx, c, r, bucket)
	runWorkspaceChecks(ctx, c, r, bucket)
}

func runLockfileChecks(ctx context.Context, c *clients, r *runner, bucket string) {
	lockKey := stateKey + ".tflock"
	holder := []byte(`{"ID":"11111111-2222-3333-4444-555555555555","Operation":"OperationTypeApply","Info":"","Who":"go@sdkcheck","Version":"1.11.4","Created":"2026-01-01T00:00:00Z","Path":"` + bucket + "/" + stateKey + `"}`)
	putLock := func(body []byte) error {
		_, err := c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(lockKey), Body: bytes.NewReader(body),
			ContentType: aws.String("application/json"), ChecksumAlgorithm: types.ChecksumAlgorithmSha256},
			ifNoneMatchAll)
		return err
	}
	r.check("s3-lockfile-acquire", func() error { return putLock(holder) })
	r.check("s3-lockfile-held-412", func() error {
		return expectAPIError(putLock([]byte(`{"ID":"loser"}`)), 412, "PreconditionFailed")
	})
	r.check("s3-lockfile-holder-info", func() error {
		out, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(lockKey), ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			return err
		}
		body, err := readAll(out)
		if err != nil {
			return err
		}
		if !bytes.Equal(body, holder) {
			return fmt.Errorf("lock file holds %q", body)
		}
		return nil
	})
	r.check("s3-lockfile-release", func() error {
		if _, err := c.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(lockKey)}); err != nil {
			return err
		}
		return putLock(holder) // free again: the next locker wins at once
	})
	r.check("s3-lockfile-race-one-winner", func() error {
		raceKey := "race/terraform.tfstate.tflock"
		const lockers = 12
		var wg sync.WaitGroup
		errs := make([]error, lockers)
		for i := 0; i < lockers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket),
					Key: aws.String(raceKey), Body: strings.NewReader(fmt.Sprintf(`{"ID":"%d"}`, i)),
					ChecksumAlgorithm: types.ChecksumAlgorithmSha256}, ifNoneMatchAll)
			}(i)
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			if err == nil {
				if winner >= 0 {
					return fmt.Errorf("lockers %d and %d both won", winner, i)
				}
				winner = i
			} else if expectAPIError(err, 412, "PreconditionFailed") != nil &&
				expectAPIError(err, 409, "ConditionalRequestConflict") != nil {
				return fmt.Errorf("locker %d: %v", i, err)
			}
		}
		if winner < 0 {
			return fmt.Errorf("no locker won")
		}
		out, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(raceKey)})
		if err != nil {
			return err
		}
		body, err := readAll(out)
		if err != nil {
			return err
		}
		if string(body) != fmt.Sprintf(`{"ID":"%d"}`, winner) {
			return fmt.Errorf("lock file %q, winner %d", body, winner)
		}
		return nil
	})
}

func runMultipartChecks(ctx context.Context, c *clients, r *runner, bucket string) {
	const bigKey = "big/terraform.tfstate"
	big := make([]byte, 11*1024*1024+123)
	for i := range big {
		big[i] = byte('a' + (i*7+i/1000)%26)
	}
	r.check("s3-upload-part-echoes-sha256", func() error {
		created, err := c.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
			Bucket: aws.String(bucket), Key: aws.String("mpu/low-level"),
			ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		if err != nil {
			return err
		}
		part := big[:5*1024*1024]
		up, err := c.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket),
			Key: aws.String("mpu/low-level"), UploadId: created.UploadId, PartNumber: 1,
			Body: bytes.NewReader(part), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		if err != nil {
			return err
		}
		if aws.ToString(up.ChecksumSHA256) != b64SHA256(part) {
			return fmt.Errorf("UploadPart ChecksumSHA256 %q, want %q", aws.ToString(up.ChecksumSHA256), b64SHA256(part))
		}
		_, err = c.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket),
			Key: aws.String("mpu/low-level"), UploadId: created.UploadId})
		return err
	})
	r.check("s3-manager-multipart-upload", func() error {
		uploader := manager.NewUploader(c.s3, func(u *manager.Uploader) { u.PartSize = 5 * 1024 * 1024 })
		out, err := uploader.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(bigKey), Body: bytes.NewReader(big),
			ContentType: aws.String("application/json"), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		if err != nil {
			return err
		}
		if out.UploadID == "" || len(out.CompletedParts) != 3 {
			return fmt.Errorf("want a 3-part upload, got id %q and %d parts", out.UploadID, len(out.CompletedParts))
		}
		for _, p := range out.CompletedParts {
			if aws.ToString(p.ChecksumSHA256) == "" {
				return fmt.Errorf("part %d has no ChecksumSHA256 from UploadPart", p.PartNumber)
			}
		}
		return nil
	})
	r.check("s3-manager-range-download", func() error {
		rec := &statusRecorder{}
		downloader := manager.NewDownloader(c.s3, func(d *manager.Downloader) {
			d.PartSize = 5 * 1024 * 1024
			d.Concurrency = 1
		})
		buf := manager.NewWriteAtBuffer(make([]byte, 0, len(big)))
		n, err := downloader.Download(ctx, buf, &s3.GetObjectInput{Bucket: aws.String(bucket),
			Key: aws.String(bigKey), ChecksumMode: types.ChecksumModeEnabled}, func(d *manager.Downloader) {
			d.ClientOptions = append(d.ClientOptions, rec.option)
		})
		if err != nil {
			return err
		}
		if n != int64(len(big)) || !bytes.Equal(buf.Bytes(), big) {
			return fmt.Errorf("downloaded %d bytes, different from the upload", n)
		}
		want := []string{"bytes=0-5242879", "bytes=5242880-10485759", "bytes=10485760-15728639"}
		if fmt.Sprint(rec.ranges) != fmt.Sprint(want) || fmt.Sprint(rec.statuses) != "[206 206 206]" {
			return fmt.Errorf("ranges %v statuses %v", rec.ranges, rec.statuses)
		}
		return nil
	})
}

func runWorkspaceChecks(ctx context.Context, c *clients, r *runner, bucket string) {
	r.check("s3-list-workspaces-paginated", func() error {
		for _, ws := range []string{"prod", "dev", "staging"} {
			if _, err := c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket),
				Key: aws.String("env:/" + ws + "/" + stateKey), Body: strings.NewReader("{}")}); err != nil {
				return err
			}
		}
		// A lock file and another key's state share the prefix; keyEnv ignores both.
		for _, k := range []string{"env:/dev/" + stateKey + ".tflock", "env:/qa/other.tfstate"} {
			if _, err := c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket),
				Key: aws.String(k), Body: strings.NewReader("{}")}); err != nil {
				return err
			}
		}
		pages := s3.NewListObjectsV2Paginator(c.s3, &s3.ListObjectsV2Input{Bucket: aws.String(bucket),
			Prefix: aws.String("env:/"), MaxKeys: 2})
		var names []string
		count := 0
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return err
			}
			count++
			for _, obj := range page.Contents {
				parts := strings.SplitN(strings.TrimPrefix(aws.ToString(obj.Key), "env:/"), "/", 2)
				if len(parts) == 2 && parts[1] == stateKey {
					names = append(names, parts[0])
				}
			}
		}
		sort.Strings(names)
		if fmt.Sprint(names) != "[dev prod staging]" || count != 3 {
			return fmt.Errorf("workspaces %v over %d pages", names, count)
		}
		return nil
	})
	r.check("s3-delete-workspace-state", func() error {
		key := "env:/staging/" + stateKey
		if _, err := c.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
			return err
		}
		_, err := c.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if e := expectAPIError(err, 404, "NotFound"); e != nil {
			return e
		}
		// Deleting again is still a success (S3 DeleteObject is idempotent).
		_, err = c.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		return err
	})
}
