"""The catalogue's entries about the services a function calls (SNS, SQS, S3, SES, Secrets Manager,
credentials and endpoints, MySQL through PyMySQL) and API Gateway's own answers; the rules and
sources are those of ``diagnosis_catalogue.py``'s docstring. Error codes and messages as the
services answer them (botocore's ``An error occurred (CODE) when calling the OP operation: MESSAGE``;
MySQL client and server error numbers 1045, 1049, 1146, 2003, 2026,
https://dev.mysql.com/doc/mysql-errors/8.0/en/).
"""

from __future__ import annotations

from typing import Any

from ..i18n import N_

Entry = dict[str, Any]

SERVICES: list[Entry] = [
    # -- SNS, SQS, S3, Secrets Manager -------------------------------------------------------------
    {"code": "topic-not-found",
     "pattern": r"\((?:NotFound|NotFoundException)\) when calling the \w+ operation: Topic does not exist",
     "message": N_("The SNS topic the function names does not exist."),
     "fix": N_("SNS › Topics › the topic › copy its ARN into Lambda › {function} › Configuration › "
               "Environment variables.")},
    {"code": "topic-arn-invalid",
     "pattern": r"\(InvalidParameter(?:Exception)?\) when calling the Publish operation: Invalid parameter: "
                r"(?P<detail>.*)",
     "message": N_("The SNS topic ARN is invalid ({detail}): a name instead of the ARN, or a mangled ARN."),
     "fix": N_("SNS › Topics › the topic › ARN (arn:aws:sns:<region>:<account>:<name>) into Lambda › "
               "{function} › Configuration › Environment variables.")},
    {"code": "queue-not-found",
     "pattern": r"NonExistentQueue|QueueDoesNotExist|The specified queue does not exist",
     "message": N_("The SQS queue the function names does not exist (wrong URL or region)."),
     "fix": N_("SQS › Queues › the queue › copy its URL into Lambda › {function} › Configuration › "
               "Environment variables.")},
    {"code": "s3-no-such-bucket",
     "pattern": r"NoSuchBucket|The specified bucket does not exist",
     "message": N_("The S3 bucket the function names does not exist."),
     "fix": N_("The bucket's exact name (S3 › Buckets, lower case) in Lambda › {function} › Configuration › "
               "Environment variables.")},
    {"code": "s3-no-such-key",
     "pattern": r"NoSuchKey|The specified key does not exist|\(404\) when calling the HeadObject operation",
     "message": N_("The S3 object asked for does not exist (wrong key, prefix forgotten, URL-encoded key)."),
     "fix": N_("Decode an S3 event's key (urllib.parse.unquote_plus) and check it in S3 › Buckets › Objects.")},
    {"code": "secret-not-found",
     "pattern": r"Secrets Manager can't find the specified secret",
     "message": N_("The secret the function reads does not exist (name, ARN or region)."),
     "fix": N_("Secrets Manager › Secrets › the exact ARN in Lambda › {function} › Configuration › "
               "Environment variables.")},
    {"code": "endpoint-unreachable",
     "pattern": r"Connect timeout on endpoint URL: \"?(?P<url>[^\"\s]+)",
     "message": N_("The function cannot reach {url}: in a VPC, without an endpoint or NAT."),
     "fix": N_("VPC › Endpoints › Create endpoint for that service (or take the function out of the VPC: "
               "Lambda › {function} › Configuration › VPC).")},
    {"code": "ses-unverified",
     "pattern": r"Email address is not verified\. The following identities failed the check in region "
                r"(?P<region>[\w-]+): (?P<identities>.*)",
     "message": N_("SES refuses to send: {identities} is not verified (SES in sandbox mode, region {region})."),
     "fix": N_("SES › Verified identities › Create identity, in the region {region}, for the sender AND the "
               "recipient (sandbox), then click the link received.")},
    {"code": "s3-invalid-bucket-name",
     "pattern": r"InvalidBucketName|Invalid bucket name \"(?P<bucket>[^\"]+)\"",
     "message": N_("The bucket name used is not valid: lower-case letters, digits, dots and hyphens only, 3 "
                   "to 63 characters."),
     "fix": N_("Use the exact name of the bucket created (S3 › Buckets), in lower case, in Lambda › {function} "
               "› Configuration › Environment variables.")},
    {"code": "dynamodb-key-schema",
     "pattern": r"The provided key element does not match the schema",
     "message": N_("The key given to DynamoDB does not match the table's key (name or type, or a sort key "
                   "forgotten) ({where})."),
     "fix": N_("Key={{'<partition key>': value}} with the name and type of DynamoDB › Tables › the table › "
               "Overview.")},
    {"code": "dynamodb-client-untyped",
     "pattern": r"Invalid type for parameter (?P<param>(?:Item|Key)\.[\w.]+), value: .*valid types: <class 'dict'>",
     "message": N_("boto3.client('dynamodb') expects typed values ({{'S': '...'}}), not a plain {param}."),
     "fix": N_("Use boto3.resource('dynamodb').Table(name).put_item(Item=...) (Python values), or type "
               "each attribute.")},
    {"code": "invalid-credentials",
     "pattern": r"UnrecognizedClientException|InvalidClientTokenId|InvalidAccessKeyId|"
                r"The security token included in the request is (?:invalid|expired)|ExpiredToken",
     "message": N_("The function's AWS calls use invalid or expired keys (keys written in the code or in the "
                   "environment variables)."),
     "fix": N_("Remove every key from the code and the variables: boto3 takes the execution role's; give "
               "the permissions to the role (IAM › Roles › {role}).")},
    {"code": "endpoint-connect",
     "pattern": r"Could not connect to the endpoint URL: \"?(?P<url>[^\"\s]+)",
     "message": N_("The function cannot reach {url}: a misspelt region, or a function in a VPC without access "
                   "to that service."),
     "fix": N_("Check the region (Lambda provides AWS_REGION); in a VPC, VPC › Endpoints for that service.")},
    {"code": "mysql-cryptography",
     "pattern": r"'cryptography' package is required for sha256_password or caching_sha2_password",
     "message": N_("PyMySQL needs the cryptography package for MySQL 8's authentication without TLS."),
     "fix": N_("Connect over TLS (ssl={{'ca': 'global-bundle.pem'}}) or add cryptography to the package "
               "(built for manylinux2014_x86_64).")},
    # -- MySQL (PyMySQL) ----------------------------------------------------------------------
    {"code": "mysql-unreachable",
     "pattern": r"\(2003, \"Can't connect to MySQL server on '?(?P<host>[^'\"\s]+)",
     "message": N_("The function cannot reach the database {host} (network, security group, VPC)."),
     "fix": N_("RDS › Databases › the database › Connectivity & security › VPC security groups › Inbound "
               "rules: MySQL/Aurora 3306 from the function's security group; the function in the same VPC "
               "(Lambda › {function} › Configuration › VPC).")},
    {"code": "mysql-access-denied",
     "pattern": r"\(1045, \"Access denied for user '?(?P<user>[^'@\"]+)",
     "message": N_("MySQL refuses the user {user}: wrong name or password."),
     "fix": N_("Read the user and password from the RDS-managed secret (Secrets Manager), never written in "
               "the code.")},
    {"code": "mysql-unknown-database",
     "pattern": r"\(1049, \"Unknown database '(?P<database>[^']+)'",
     "message": N_("The database {database} does not exist on the MySQL server."),
     "fix": N_("Create it (CREATE DATABASE {database};) or use the initial database name (RDS › "
               "Configuration › DB name).")},
    {"code": "mysql-table-missing",
     "pattern": r"\(1146, \"Table '(?P<table>[^']+)' doesn't exist",
     "message": N_("The MySQL table {table} does not exist."),
     "fix": N_("Create it (CREATE TABLE ...) before the first query.")},
    {"code": "mysql-tls",
     "pattern": r"CERTIFICATE_VERIFY_FAILED|certificate verify failed|SSLError|SSL connection error|\(2026, ",
     "message": N_("The TLS connection to the database fails (certificate not verified)."),
     "fix": N_("Ship the RDS CA bundle (global-bundle.pem) in the package and pass "
               "ssl={{'ca': 'global-bundle.pem'}} to pymysql.connect.")},
    # -- API Gateway answers (``"<status> <body>"``) ------------------------------------------------
    {"code": "api-not-deployed", "source": "api",
     "pattern": r"^403 .*Missing Authentication Token",
     "message": N_("API Gateway does not know this route on this stage: method or resource missing, or the "
                   "API not deployed since."),
     "fix": N_("API Gateway › APIs › the API › Resources: create the method, then Deploy API to the stage.")},
    {"code": "api-unauthorized", "source": "api",
     "pattern": r"^401 ",
     "message": N_("The Cognito authorizer refuses the request: token missing, expired, or not in the "
                   "expected header."),
     "fix": N_("Send the ID token in the Authorization header (API Gateway › Authorizers › Token source).")},
    {"code": "api-forbidden", "source": "api",
     "pattern": r"^403 .*(?:not authorized to access this resource|Forbidden)",
     "message": N_("API Gateway denies access (authorizer, API key or resource policy)."),
     "fix": N_("API Gateway › the method › Method request: check the authorization and the API key.")},
    {"code": "api-throttled", "source": "api",
     "pattern": r"^429 ",
     "message": N_("API Gateway throttles the requests (429 Too Many Requests)."),
     "fix": N_("Slow down; check API Gateway › Stages › the stage › Throttling and the usage plans.")},
    {"code": "api-timeout", "source": "api",
     "pattern": r"^504 ",
     "message": N_("The integration did not answer within API Gateway's 29 s."),
     "fix": N_("Make the function faster (Lambda › {function} › Configuration › General configuration).")},
]
