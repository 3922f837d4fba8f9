"""`setup --step-by-step` driven in a pseudo-terminal: Enter, Enter, `m` (the test builds step 3
by hand with boto3), Enter to the end → every check ✔; `q` midway, then a rerun resumes."""

from __future__ import annotations

import io
import json
import shutil
from typing import Any

import pexpect
import pytest

from .conftest import Cli, aws

pytestmark = pytest.mark.e2e
PROMPT = r"\[Enter\] codecraft does it · \[m\] by hand · \[s\] skip · \[q\] quit"  # every key shown


def spawn(cli: Cli, *args: str) -> pexpect.spawn:
    child = pexpect.spawn(shutil.which("codecraft") or "codecraft", ["setup", "anycompany-orders", "--step-by-step", *args],
                          env={**cli.env, "TERM": "dumb"}, encoding="utf-8", timeout=120, dimensions=(50, 200))
    return child


def build_queue_by_hand(emulator: dict[str, Any]) -> None:
    sqs, sns = aws(emulator, "sqs"), aws(emulator, "sns")
    url = sqs.create_queue(QueueName="OrderProcessingQueue")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":OrderNotifications"))
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]})})
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True)
    sns.set_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"], AttributeName="RawMessageDelivery",
                                    AttributeValue="true")


def test_a_class_follows_step_by_step_with_one_step_by_hand(cli: Cli, emulator: dict) -> None:
    child = spawn(cli)
    child.expect("1/6. Create the DynamoDB table Orders")
    child.expect(PROMPT)
    child.sendline("")
    child.expect("✔ DynamoDB › Tables: Orders")
    child.expect("2/6. Create the SNS topic OrderNotifications")
    child.expect(PROMPT)
    child.sendline("")
    child.expect("3/6. Create the SQS queue")
    child.expect(PROMPT)
    child.sendline("m")
    # the emulator has no console: the AWS CLI, this step's commands with the topic's ARN filled in
    child.expect("No console on the emulator")
    child.expect(r'eval "\$\(codecraft local env\)"')
    child.expect(r"codecraft show anycompany-orders --as cli --step queue")
    child.expect(r"NOTIFICATIONS_ARN=arn:aws:sns:[a-z0-9-]+:\d+:OrderNotifications")
    child.expect("aws sqs create-queue --queue-name OrderProcessingQueue")
    child.expect("Do it by hand now with the AWS CLI")
    build_queue_by_hand(emulator)  # what the student clicks, done by the test
    child.sendline("")
    child.expect("✔ SQS › Queues: OrderProcessingQueue")
    child.expect("4/6. Create the Lambda function ProcessOrder")
    child.expect(PROMPT)
    child.sendline("q")  # the bell rings: the class stops here
    child.expect("Stopped before step 4")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    child = spawn(cli)  # next lesson: resumes at step 4
    transcript = io.StringIO()
    child.logfile_read = transcript
    child.expect(r"1/6. Create the DynamoDB table Orders \(already done\)")
    child.expect(r"3/6. Create the SQS queue .*\(already done\)")
    child.expect("4/6. Create the Lambda function ProcessOrder")
    for _ in range(3):  # steps 4, 5 and 6
        child.expect(PROMPT)
        child.sendline("")
    child.expect(r"All \d+ checks passed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    output = transcript.getvalue()
    assert output.count("✔") >= 16 and "✘" not in output  # every check of every step, all green

    report = cli.json("verify", "anycompany-orders")
    assert report["passed"] == report["total"]
    # the queue built by hand is not codecraft's: teardown leaves it
    cli.json("teardown", "anycompany-orders", "--yes")
    queues = aws(emulator, "sqs").list_queues().get("QueueUrls", [])
    assert [q.rsplit("/", 1)[-1] for q in queues] == ["OrderProcessingQueue"]


def test_step_by_step_needs_a_terminal(cli: Cli) -> None:
    proc = cli("setup", "anycompany-orders", "--step-by-step")
    assert proc.returncode == 2 and "needs a terminal" in proc.stderr
