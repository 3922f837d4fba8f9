"""anycompany-orders on stubbed AWS (eu-west-3, account 111122223333): what each resource's
dependencies produced, as the engine passes them on, and the tags of the deployment."""

from __future__ import annotations

from typing import Any

TOPIC_ARN = "arn:aws:sns:eu-west-3:111122223333:OrderNotifications"
QUEUE_ARN = "arn:aws:sqs:eu-west-3:111122223333:OrderProcessingQueue"
QUEUE_URL = "https://sqs.eu-west-3.amazonaws.com/111122223333/OrderProcessingQueue"
TABLE_ARN = "arn:aws:dynamodb:eu-west-3:111122223333:table/Orders"
LOG_GROUP_ARN = "arn:aws:logs:eu-west-3:111122223333:log-group:/aws/lambda/ProcessOrder"
ROLE_ARN = "arn:aws:iam::111122223333:role/ProcessOrderRole"
FUNCTION_ARN = "arn:aws:lambda:eu-west-3:111122223333:function:ProcessOrder"
API_ID = "a1b2c3d4e5"
INTEGRATION_URI = ("arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/"
                   "arn:aws:lambda:eu-west-3:111122223333:function:ProcessOrder/invocations")
EXECUTE_ARN = "arn:aws:execute-api:eu-west-3:111122223333:a1b2c3d4e5/*/POST/orders"

TAGS = {
    "codecraft:workshop": "anycompany-orders",
    "codecraft:student": "-",
    "codecraft:deployment": "anycompany-orders",
}
TAG_LIST = [
    {"Key": "codecraft:workshop", "Value": "anycompany-orders"},
    {"Key": "codecraft:student", "Value": "-"},
    {"Key": "codecraft:deployment", "Value": "anycompany-orders"},
]

# What the dependencies of each resource produced (as the engine would pass them on).
OUTPUTS: dict[str, dict[str, Any]] = {
    "orders_table": {"name": "Orders", "arn": TABLE_ARN, "stream_arn": None},
    "notifications": {"name": "OrderNotifications", "arn": TOPIC_ARN},
    "processing_queue": {"name": "OrderProcessingQueue", "arn": QUEUE_ARN, "url": QUEUE_URL},
    "logs": {"name": "/aws/lambda/ProcessOrder", "arn": LOG_GROUP_ARN},
    "role": {"name": "ProcessOrderRole", "arn": ROLE_ARN},
    "process_order": {"name": "ProcessOrder", "arn": FUNCTION_ARN},
    "orders_api": {"name": "OrdersAPI", "id": API_ID,
                   "arn": f"arn:aws:apigateway:eu-west-3::/restapis/{API_ID}"},
}
