#!/usr/bin/env bash
# anycompany-orders by hand with the AWS CLI: the same resources as workshops/anycompany-orders.yaml,
# one call after the other, as a teacher would script it.
#
#   ENDPOINT=http://127.0.0.1:PORT bench/orders_awscli.sh        (the emulator: `codecraft local status`)
#
# Prints the REST API id on the last line of stdout. Undo with bench/orders_awscli_teardown.sh.
set -euo pipefail

: "${ENDPOINT:?set ENDPOINT to the emulator endpoint, e.g. http://127.0.0.1:4566}"
export AWS_ACCESS_KEY_ID=codecraft AWS_SECRET_ACCESS_KEY=codecraft AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER="" AWS_DEFAULT_OUTPUT=text
REGION=us-east-1
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$HERE/../lambda_src/process_order"
aws() { command aws --endpoint-url "$ENDPOINT" --region "$REGION" "$@"; }

ACCOUNT=$(aws sts get-caller-identity --query Account)

# 1. DynamoDB table Orders: partition key order_id (String), on-demand
aws dynamodb create-table --table-name Orders \
    --attribute-definitions AttributeName=order_id,AttributeType=S \
    --key-schema AttributeName=order_id,KeyType=HASH \
    --billing-mode PAY_PER_REQUEST >/dev/null
aws dynamodb wait table-exists --table-name Orders
TABLE_ARN=$(aws dynamodb describe-table --table-name Orders --query Table.TableArn)

# 2. SNS topic OrderNotifications
TOPIC_ARN=$(aws sns create-topic --name OrderNotifications --query TopicArn)

# 3. SQS queue OrderProcessingQueue: only the topic may send to it; subscribed with raw delivery
QUEUE_URL=$(aws sqs create-queue --queue-name OrderProcessingQueue \
    --attributes VisibilityTimeout=60 --query QueueUrl)
QUEUE_ARN=$(aws sqs get-queue-attributes --queue-url "$QUEUE_URL" \
    --attribute-names QueueArn --query Attributes.QueueArn)
POLICY=$(cat <<EOF
{"Version": "2012-10-17", "Statement": [{"Sid": "sns-fanout", "Effect": "Allow",
  "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "$QUEUE_ARN",
  "Condition": {"ArnEquals": {"aws:SourceArn": "$TOPIC_ARN"}}}]}
EOF
)
aws sqs set-queue-attributes --queue-url "$QUEUE_URL" \
    --attributes "$(python3 -c 'import json,sys; print(json.dumps({"Policy": sys.argv[1]}))' "$POLICY")"
aws sns subscribe --topic-arn "$TOPIC_ARN" --protocol sqs --notification-endpoint "$QUEUE_ARN" \
    --attributes RawMessageDelivery=true >/dev/null

# 4. Log group (7 days), role ProcessOrderRole with its inline policy, function ProcessOrder
aws logs create-log-group --log-group-name /aws/lambda/ProcessOrder
aws logs put-retention-policy --log-group-name /aws/lambda/ProcessOrder --retention-in-days 7
LOG_ARN="arn:aws:logs:$REGION:$ACCOUNT:log-group:/aws/lambda/ProcessOrder"

ROLE_ARN=$(aws iam create-role --role-name ProcessOrderRole --query Role.Arn \
    --assume-role-policy-document '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}')
aws iam put-role-policy --role-name ProcessOrderRole --policy-name ProcessOrderPolicy \
    --policy-document "{\"Version\": \"2012-10-17\", \"Statement\": [
      {\"Effect\": \"Allow\", \"Action\": [\"dynamodb:PutItem\"], \"Resource\": [\"$TABLE_ARN\"]},
      {\"Effect\": \"Allow\", \"Action\": [\"sns:Publish\"], \"Resource\": [\"$TOPIC_ARN\"]},
      {\"Effect\": \"Allow\", \"Action\": [\"logs:CreateLogStream\", \"logs:PutLogEvents\"],
       \"Resource\": [\"$LOG_ARN:*\"]}]}"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$SRC" && zip -q -X "$WORK/process_order.zip" app.py)
FUNCTION_ARN=$(aws lambda create-function --function-name ProcessOrder \
    --runtime python3.12 --handler app.lambda_handler --architectures x86_64 \
    --role "$ROLE_ARN" --zip-file "fileb://$WORK/process_order.zip" \
    --timeout 10 --memory-size 128 \
    --environment "Variables={TABLE_NAME=Orders,TOPIC_ARN=$TOPIC_ARN}" \
    --query FunctionArn)
aws lambda wait function-active-v2 --function-name ProcessOrder

# 5. REST API OrdersAPI: POST /orders -> ProcessOrder (Lambda proxy), permission, stage prod
API_ID=$(aws apigateway create-rest-api --name OrdersAPI \
    --endpoint-configuration types=REGIONAL --query id)
ROOT_ID=$(aws apigateway get-resources --rest-api-id "$API_ID" --query "items[?path=='/'].id")
ORDERS_ID=$(aws apigateway create-resource --rest-api-id "$API_ID" --parent-id "$ROOT_ID" \
    --path-part orders --query id)
aws apigateway put-method --rest-api-id "$API_ID" --resource-id "$ORDERS_ID" \
    --http-method POST --authorization-type NONE >/dev/null
aws apigateway put-integration --rest-api-id "$API_ID" --resource-id "$ORDERS_ID" \
    --http-method POST --type AWS_PROXY --integration-http-method POST \
    --uri "arn:aws:apigateway:$REGION:lambda:path/2015-03-31/functions/$FUNCTION_ARN/invocations" >/dev/null
aws lambda add-permission --function-name ProcessOrder --statement-id apigateway-post-orders \
    --action lambda:InvokeFunction --principal apigateway.amazonaws.com \
    --source-arn "arn:aws:execute-api:$REGION:$ACCOUNT:$API_ID/*/POST/orders" >/dev/null
aws apigateway create-deployment --rest-api-id "$API_ID" --stage-name prod >/dev/null

echo "$API_ID"
