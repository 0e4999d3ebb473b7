"""Terraform fixtures (one folder per configuration) and the runner the Terraform tests share."""
