"""Runs the AWS SDK for JavaScript v3 tests (js/*.test.mjs, node:test) against a fresh skiff."""

import unittest

import skiff_harness as h


class JsSdkTest(h.SkiffTestCase):

    def test_node_suite(self):
        self.run_node_suite("js", "@aws-sdk/client-s3")


if __name__ == "__main__":
    unittest.main()
