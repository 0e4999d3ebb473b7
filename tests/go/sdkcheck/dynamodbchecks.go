package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func lockKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"LockID": str(id)}
}

// attrString returns item[name] as a string, "" if absent or not a string.
func attrString(item map[string]types.AttributeValue, name string) string {
	if s, ok := item[name].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

func runDynamoDBChecks(ctx context.Context, c *clients, r *runner) {
	table := "tflocks-" + c.suffix
	lockPath := "tfstate-" + c.suffix + "/" + stateKey
	info := `{"ID":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","Operation":"OperationTypePlan","Info":"","Who":"go@sdkcheck","Version":"1.11.4","Created":"2026-01-01T00:00:00Z","Path":"` + lockPath + `"}`

	lock := func(id, infoJSON string) error {
		_, err := c.dynamodb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table),
			Item:                map[string]types.AttributeValue{"LockID": str(id), "Info": str(infoJSON)},
			ConditionExpression: aws.String("attribute_not_exists(LockID)")})
		return err
	}
	getInfo := func(id string) (map[string]types.AttributeValue, error) {
		out, err := c.dynamodb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table),
			Key: lockKey(id), ProjectionExpression: aws.String("LockID, Info"), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return nil, err
		}
		return out.Item, nil
	}

	r.check("dynamodb-create-lock-table", func() error {
		_, err := c.dynamodb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(table),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("LockID"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("LockID"), KeyType: types.KeyTypeHash}},
			BillingMode:          types.BillingModePayPerRequest})
		if err != nil {
			return err
		}
		waiter := dynamodb.NewTableExistsWaiter(c.dynamodb)
		return waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 10*time.Second)
	})
	r.check("dynamodb-lock-acquire", func() error { return lock(lockPath, info) })
	r.check("dynamodb-lock-held-conditional-check-failed", func() error {
		err := lock(lockPath, `{"ID":"loser"}`)
		var typed *types.ConditionalCheckFailedException
		if !errors.As(err, &typed) {
			return fmt.Errorf("want a typed ConditionalCheckFailedException, got %v", err)
		}
		return expectAPIError(err, 400, "ConditionalCheckFailedException")
	})
	r.check("dynamodb-lock-holder-info", func() error {
		item, err := getInfo(lockPath)
		if err != nil {
			return err
		}
		if len(item) != 2 || attrString(item, "LockID") != lockPath || attrString(item, "Info") != info {
			return fmt.Errorf("projected item %v", item)
		}
		return nil
	})
	r.check("dynamodb-md5-digest", func() error {
		sum := md5.Sum([]byte(`{"version":4}`))
		digest := hex.EncodeToString(sum[:])
		if _, err := c.dynamodb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table),
			Item: map[string]types.AttributeValue{"LockID": str(lockPath + "-md5"), "Digest": str(digest)}}); err != nil {
			return err
		}
		out, err := c.dynamodb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table),
			Key: lockKey(lockPath + "-md5"), ProjectionExpression: aws.String("LockID, Digest"),
			ConsistentRead: aws.Bool(true)})
		if err != nil {
			return err
		}
		if attrString(out.Item, "Digest") != digest {
			return fmt.Errorf("digest item %v", out.Item)
		}
		_, err = c.dynamodb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table),
			Key: lockKey(lockPath + "-md5")})
		return err
	})
	r.check("dynamodb-unlock", func() error {
		if _, err := c.dynamodb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table),
			Key: lockKey(lockPath)}); err != nil {
			return err
		}
		item, err := getInfo(lockPath)
		if err != nil {
			return err
		}
		if len(item) != 0 {
			return fmt.Errorf("lock still there: %v", item)
		}
		return lock(lockPath, info) // free again
	})
	r.check("dynamodb-lock-race-one-winner", func() error {
		racePath := lockPath + "-race"
		const lockers = 16
		var wg sync.WaitGroup
		errs := make([]error, lockers)
		for i := 0; i < lockers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i] = lock(racePath, fmt.Sprintf(`{"ID":"%d"}`, i))
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
			} else if e := expectAPIError(err, 400, "ConditionalCheckFailedException"); e != nil {
				return fmt.Errorf("locker %d: %v", i, e)
			}
		}
		if winner < 0 {
			return fmt.Errorf("no locker won")
		}
		item, err := getInfo(racePath)
		if err != nil {
			return err
		}
		if attrString(item, "Info") != fmt.Sprintf(`{"ID":"%d"}`, winner) {
			return fmt.Errorf("stored Info %v, winner %d", item, winner)
		}
		return nil
	})
	r.check("dynamodb-missing-table", func() error {
		_, err := c.dynamodb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("no-such-" + table),
			Item:                map[string]types.AttributeValue{"LockID": str(lockPath), "Info": str(info)},
			ConditionExpression: aws.String("attribute_not_exists(LockID)")})
		var typed *types.ResourceNotFoundException
		if !errors.As(err, &typed) {
			return fmt.Errorf("want a typed ResourceNotFoundException, got %v", err)
		}
		return expectAPIError(err, 400, "ResourceNotFoundException")
	})
}
