"""Runs the AWS SDK for JavaScript v3 multipart tests (js-s3-multipart/*.test.mjs, node:test,
using @aws-sdk/lib-storage's Upload) against a fresh skiff."""

import unittest

import skiff_harness as h


class JsS3MultipartTest(h.SkiffTestCase):

    def test_node_suite(self):
        self.run_node_suite("js-s3-multipart", "@aws-sdk/lib-storage")


if __name__ == "__main__":
    unittest.main()
