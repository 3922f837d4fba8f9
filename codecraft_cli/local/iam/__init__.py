"""IAM on the emulator: functions run with their role's temporary credentials, and every call
signed with them is authorized against the role's policies, as on AWS.

- :mod:`.policy` and :mod:`.conditions`: IAM's evaluation logic, pure;
- :mod:`.actions`: the action and resource ARN each request needs;
- :mod:`.denial`: the error each service answers;
- :mod:`.credentials`: a function's session (STS AssumeRole of its role);
- :mod:`.authorize`: one request → allowed, or the service's refusal;
- :mod:`.resource_policies`: the resource-based policies AWS checks for service principals
  (Lambda permissions for S3, SNS and API Gateway; the SQS queue policy for SNS).
"""
