"""Runs the AWS SDK for JavaScript v3 DynamoDB tests (js-dynamodb/*.test.mjs, node:test, using
@aws-sdk/lib-dynamodb's DocumentClient) against a fresh skiff."""

import unittest

import skiff_harness as h


class JsDynamoDbTest(h.SkiffTestCase):

    def test_node_suite(self):
        self.run_node_suite("js-dynamodb", "@aws-sdk/lib-dynamodb")


if __name__ == "__main__":
    unittest.main()
