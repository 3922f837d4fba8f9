"""workshop1 and workshop2 on stubbed AWS (eu-west-3, account 111122223333): what each
resource's dependencies produced, as the engine passes them on, and the secrets that only
stubbed AWS answers ever return."""

from __future__ import annotations

from typing import Any

VPC_ID = "vpc-0a1b2c3d"
SUBNETS_BY_AZ = ["subnet-0c3", "subnet-0a1", "subnet-0b2"]  # as the default VPC look-up orders them
DB_HOST = "projetopensourcedb.abcdefghijkl.eu-west-3.rds.amazonaws.com"
DB_SECRET_ARN = "arn:aws:secretsmanager:eu-west-3:111122223333:secret:rds!db-0123abcd-4567-89ef-AbCdEf"
POOL_ID = "eu-west-3_AbCdEf123"
POOL_ARN = "arn:aws:cognito-idp:eu-west-3:111122223333:userpool/eu-west-3_AbCdEf123"
USER_SECRET_ARN = ("arn:aws:secretsmanager:eu-west-3:111122223333:secret:"
                   "codecraft/workshop1/test-user-password-XyZ123")
QUEUE_ARN = "arn:aws:sqs:eu-west-3:111122223333:ProjectNotificationsQueue"
QUEUE_URL = "https://sqs.eu-west-3.amazonaws.com/111122223333/ProjectNotificationsQueue"
ROLE_ARN = "arn:aws:iam::111122223333:role/ManageProjectsRole"
FUNCTION_ARN = "arn:aws:lambda:eu-west-3:111122223333:function:ManageProjects"
API_ID = "p9q8r7s6t5"
AUTHORIZER_ID = "auth7x"

# Secrets only ever returned by stubbed AWS answers: they must never appear in a plan.
USER_PASSWORD = "Zq8#vN2!rT6^mW4*pK1+"
RANDOM_PASSWORD = "Hb7!kL3#xQ9^sD2*fJ5+"

DB_OUTPUTS = {"name": "projetopensourcedb", "id": "projetopensourcedb", "database": "ProjetOpenSourceDB",
              "arn": "arn:aws:rds:eu-west-3:111122223333:db:projetopensourcedb",
              "address": DB_HOST, "port": 3306, "secret_arn": DB_SECRET_ARN}

# What workshop1's resources produced, keyed as workshop1's own plans see them.
W1_OUTPUTS: dict[str, dict[str, Any]] = {
    "network": {"vpc_id": VPC_ID, "subnet_ids": SUBNETS_BY_AZ, "endpoint_subnets": SUBNETS_BY_AZ[:2]},
    "lambda_sg": {"name": "projects-functions", "id": "sg-lambda"},
    "db_sg": {"name": "projects-mysql", "id": "sg-mysql"},
    "endpoint_sg": {"name": "projects-endpoints", "id": "sg-endpoints"},
    "db": DB_OUTPUTS,
    "user_pool": {"name": "ProjectsUsers", "id": POOL_ID, "arn": POOL_ARN},
    "test_user_password": {"name": "codecraft/workshop1/test-user-password", "arn": USER_SECRET_ARN},
}

# What workshop2's plans see: the prerequisite's outputs as "workshop1:<id>", its own as "<id>".
W2_OUTPUTS: dict[str, dict[str, Any]] = {
    **{f"workshop1:{rid}": out for rid, out in W1_OUTPUTS.items()},
    "notifications_queue": {"name": "ProjectNotificationsQueue", "arn": QUEUE_ARN, "url": QUEUE_URL},
    "role": {"name": "ManageProjectsRole", "arn": ROLE_ARN},
    "manage_projects": {"name": "ManageProjects", "arn": FUNCTION_ARN, "vpc": True},
    "projects_api": {"name": "ProjectManagementAPI", "id": API_ID,
                     "arn": f"arn:aws:apigateway:eu-west-3::/restapis/{API_ID}"},
    "authorizer": {"id": AUTHORIZER_ID, "name": "CognitoAuthorizer", "api": API_ID},
}

# workshop2's route, method and integration
INTEGRATION_URI = ("arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/"
                   "arn:aws:lambda:eu-west-3:111122223333:function:ManageProjects/invocations")
EXECUTE_ARN = "arn:aws:execute-api:eu-west-3:111122223333:p9q8r7s6t5/*/POST/projects"
