"""The one boundary with botocore: client construction, waiters, retries, error translation."""
