#!/usr/bin/env bash
# Delete everything bench/orders_awscli.sh created, dependants first.
#
#   ENDPOINT=http://127.0.0.1:PORT bench/orders_awscli_teardown.sh
set -euo pipefail

: "${ENDPOINT:?set ENDPOINT to the emulator endpoint, e.g. http://127.0.0.1:4566}"
export AWS_ACCESS_KEY_ID=codecraft AWS_SECRET_ACCESS_KEY=codecraft AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER="" AWS_DEFAULT_OUTPUT=text
REGION=us-east-1
aws() { command aws --endpoint-url "$ENDPOINT" --region "$REGION" "$@"; }

# 5. the REST API (its resources, methods, integration and stage go with it)
for API_ID in $(aws apigateway get-rest-apis --query "items[?name=='OrdersAPI'].id"); do
    aws apigateway delete-rest-api --rest-api-id "$API_ID"
done

# 4. the function (its permission goes with it), the role and its inline policy, the log group
aws lambda delete-function --function-name ProcessOrder >/dev/null
aws iam delete-role-policy --role-name ProcessOrderRole --policy-name ProcessOrderPolicy
aws iam delete-role --role-name ProcessOrderRole
aws logs delete-log-group --log-group-name /aws/lambda/ProcessOrder

# 3. the subscription, then the queue
TOPIC_ARN=$(aws sns list-topics --query "Topics[?ends_with(TopicArn, ':OrderNotifications')].TopicArn")
for SUB in $(aws sns list-subscriptions-by-topic --topic-arn "$TOPIC_ARN" --query "Subscriptions[].SubscriptionArn"); do
    aws sns unsubscribe --subscription-arn "$SUB"
done
aws sqs delete-queue --queue-url "$(aws sqs get-queue-url --queue-name OrderProcessingQueue --query QueueUrl)"

# 2. the topic
aws sns delete-topic --topic-arn "$TOPIC_ARN"

# 1. the table
aws dynamodb delete-table --table-name Orders >/dev/null
aws dynamodb wait table-not-exists --table-name Orders
