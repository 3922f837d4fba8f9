"""A table whose stream was turned off keeps accepting writes (the emulator's moto patch).

DynamoDB Developer Guide, "Change data capture for DynamoDB Streams": "If you disable a stream,
any shards that are open will be closed. The data in the stream will continue to be readable for
24 hours." Writes to the table are not affected: anycompany-challenge's teardown turns off the
stream of anycompany-orders' Orders table, whose ProcessOrder goes on writing.
"""

from __future__ import annotations

import boto3
from moto import mock_aws

from codecraft_cli.local.moto_dynamodb_streams import honour_disabled_streams


def test_writes_go_on_after_the_stream_is_turned_off_and_on_again() -> None:
    honour_disabled_streams()
    with mock_aws():
        db = boto3.client("dynamodb", region_name="us-east-1")
        db.create_table(TableName="Orders", KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}],
                        BillingMode="PAY_PER_REQUEST")
        db.update_table(TableName="Orders", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        db.put_item(TableName="Orders", Item={"order_id": {"S": "before"}})
        db.update_table(TableName="Orders", StreamSpecification={"StreamEnabled": False})
        db.put_item(TableName="Orders", Item={"order_id": {"S": "after"}})  # moto alone: KeyError, a 500
        assert db.get_item(TableName="Orders", Key={"order_id": {"S": "after"}})["Item"]
        db.update_table(TableName="Orders", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        db.put_item(TableName="Orders", Item={"order_id": {"S": "again"}})  # on again: a new stream records
        import pytest
        from botocore.exceptions import ClientError

        with pytest.raises(ClientError):  # a table that already has a stream: refused
            db.update_table(TableName="Orders", StreamSpecification={"StreamEnabled": True,
                                                                     "StreamViewType": "NEW_IMAGE"})
