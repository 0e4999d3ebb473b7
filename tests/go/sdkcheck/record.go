package main

import (
	"context"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

type middlewareStack = middleware.Stack

const middlewareAfter = middleware.After

// recordMiddleware notes each request's Range header and each response's HTTP status.
type recordMiddleware struct{ rec *statusRecorder }

func (recordMiddleware) ID() string { return "SkiffStatusRecorder" }

func (m recordMiddleware) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput,
	next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	m.rec.mu.Lock()
	defer m.rec.mu.Unlock()
	if req, ok := in.Request.(*smithyhttp.Request); ok {
		m.rec.ranges = append(m.rec.ranges, req.Header.Get("Range"))
	}
	if resp, ok := out.RawResponse.(*smithyhttp.Response); ok {
		m.rec.statuses = append(m.rec.statuses, resp.StatusCode)
	}
	return out, md, err
}
