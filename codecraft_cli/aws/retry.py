"""Bounded retries and paced calls for the AWS behaviours botocore's standard retry mode does not cover.

A plan names the policy a call needs (``Call(..., retry=IAM_PROPAGATION)``); the executor
applies it with an injected ``sleep``, so tests never wait. :class:`Pacer` spaces the calls
that AWS limits per account (API Gateway's DeleteRestApi, CreateDeployment).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..i18n import N_


@dataclass(frozen=True)
class RetryPolicy:
    """Retry while the error code is one of ``codes`` and its text holds ``message`` (or one of
    ``messages``).

    The n-th retry waits ``min(delay * n, max_delay)`` seconds; ``attempts`` counts every call.
    ``why`` is the progress line shown while waiting.
    """

    name: str
    codes: tuple[str, ...]
    message: str  # a fragment of the error text (lower case), or "" for any
    attempts: int
    delay: float
    max_delay: float
    messages: tuple[str, ...] = ()  # other fragments that also qualify (lower case)
    why: str = ""

    def should_retry(self, code: str, text: str, attempt: int) -> bool:
        low = text.lower()
        fragments = (self.message, *self.messages)
        return code in self.codes and any(f in low for f in fragments) and attempt < self.attempts

    def wait(self, attempt: int) -> float:
        return min(self.delay * attempt, self.max_delay)

    def budget(self) -> float:
        """The longest it may wait in all, in seconds."""
        return sum(self.wait(n) for n in range(1, self.attempts))

    def __repr__(self) -> str:  # plans print (dry runs, test diffs) with the policy's name only
        return f"RetryPolicy({self.name})"


# A new role is not assumable by Lambda for a few seconds, sometimes a minute or two
# (chalice retries 30 x 5 s): poll densely first (1, 2, 3, 3, ... s), up to about 3 minutes.
# Only IAM propagation qualifies (Lambda's CreateFunction errors: "The role defined for the function
# cannot be assumed by Lambda"; and a just-attached inline policy not yet seen: "The provided
# execution role does not have permissions to call CreateNetworkInterface on EC2", which
# terraform-provider-aws retries on too): any other InvalidParameterValueException is final.
IAM_PROPAGATION = RetryPolicy("iam_propagation", ("InvalidParameterValueException",),
                              "cannot be assumed by lambda", 60, 1.0, 3.0,
                              messages=("the provided execution role does not have permissions",),
                              why=N_("IAM: the new role is not yet visible to Lambda"))
# DeleteRestApi is limited to one call every 30 seconds per account.
THROTTLE = RetryPolicy("throttle", ("TooManyRequestsException", "ThrottlingException"), "", 8, 5.0, 30.0,
                       why=N_("throttled by AWS"))
# A security group still used by Lambda's network interfaces (minutes to go away).
DEPENDENCY = RetryPolicy("dependency", ("DependencyViolation",), "", 60, 10.0, 30.0,
                         why=N_("Lambda's network interfaces still use it"))
# SQS DeleteQueue: "You must wait 60 seconds after deleting a queue before you can create
# another queue with the same name" (SQS API reference, DeleteQueue / CreateQueue:
# QueueDeletedRecently). 5, 10, 10, ... s: up to 85 s.
QUEUE_DELETED_RECENTLY = RetryPolicy("queue_deleted_recently", (
    "AWS.SimpleQueueService.QueueDeletedRecently", "QueueDeletedRecently"), "", 10, 5.0, 10.0,
    why=N_("SQS: a queue of this name was deleted less than 60 s ago"))
# Secrets Manager: DeleteSecret with ForceDeleteWithoutRecovery completes asynchronously; a
# CreateSecret of the same name meanwhile is refused (InvalidRequestException "You can't create
# this secret because a secret with this name is already scheduled for deletion"; Secrets Manager
# API reference, DeleteSecret). 2, 4, ... 10 s: up to about 2 minutes.
SECRET_DELETING = RetryPolicy("secret_deleting", ("InvalidRequestException",),
                              "already scheduled for deletion", 15, 2.0, 10.0,
                              why=N_("Secrets Manager: the previous secret of this name is still being deleted"))
# S3 PutBucketNotificationConfiguration checks that it may invoke the function: right after
# Lambda's AddPermission it may not see the permission yet (InvalidArgument "Unable to validate
# the following destination configurations"; S3 user guide, "Granting permissions to invoke an
# AWS Lambda function"). 2, 4, ... 10 s: up to about a minute.
S3_DESTINATION = RetryPolicy("s3_destination", ("InvalidArgument",),
                             "unable to validate the following destination configurations", 8, 2.0, 10.0,
                             why=N_("S3: Lambda's new permission is not yet visible"))


class Pacer:
    """Spaces calls that AWS limits per account: each ``key`` at most once every ``interval``
    seconds, across every thread of the process (a class torn down four students at a time)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, key: str, interval: float) -> float:
        """Take the next slot for ``key``: how many seconds to wait before calling."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next.get(key, now))
            self._next[key] = start + interval
            return start - now


# API Gateway's per-account quotas ("Amazon API Gateway quotas": DeleteRestApi 1 request every
# 30 seconds, CreateDeployment 1 request every 5 seconds), for calls against real AWS.
PACED = {("apigateway", "delete_rest_api"): 30.0, ("apigateway", "create_deployment"): 5.0}
