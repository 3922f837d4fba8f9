"""Bounded retries for the AWS behaviours botocore's standard retry mode does not cover.

A plan names the policy a call needs (``Call(..., retry=IAM_PROPAGATION)``); the executor
applies it with an injected ``sleep``, so tests never wait.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Retry while the error code is one of ``codes`` and its text holds ``message``.

    The n-th retry waits ``min(delay * n, max_delay)`` seconds; ``attempts`` counts every call.
    """

    name: str
    codes: tuple[str, ...]
    message: str  # a fragment of the error text (lower case), or "" for any
    attempts: int
    delay: float
    max_delay: float

    def should_retry(self, code: str, text: str, attempt: int) -> bool:
        return code in self.codes and self.message in text.lower() and attempt < self.attempts

    def wait(self, attempt: int) -> float:
        return min(self.delay * attempt, self.max_delay)

    def __repr__(self) -> str:  # plans print (dry runs, test diffs) with the policy's name only
        return f"RetryPolicy({self.name})"


# A new role is not assumable by Lambda for a few seconds, sometimes a minute or two
# (chalice retries 30 x 5 s): poll densely first (1, 2, 3, 3, ... s), up to about 3 minutes.
IAM_PROPAGATION = RetryPolicy("iam_propagation", ("InvalidParameterValueException",), "role", 60, 1.0, 3.0)
# DeleteRestApi is limited to one call every 30 seconds per account.
THROTTLE = RetryPolicy("throttle", ("TooManyRequestsException", "ThrottlingException"), "", 8, 5.0, 30.0)
# A security group still used by Lambda's network interfaces (minutes to go away).
DEPENDENCY = RetryPolicy("dependency", ("DependencyViolation",), "", 60, 10.0, 30.0)
