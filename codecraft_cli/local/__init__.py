"""The embedded local AWS: one background process on loopback holding

- moto's server (the control plane of every service, state in memory while it runs);
- a gateway that serves every deployed REST API stage from its moto definition
  (resources, methods, AWS_PROXY integrations, Lambda permissions);
- a Lambda runner that executes the deployed code in a subprocess with the function's
  environment, handler and timeout, the emulator as its AWS endpoint, and its output
  written to the function's CloudWatch log group.

``codecraft local start|stop|status|reset`` drive it (process.py); commands on the local
target start it on demand.

Where things are:

- ``process.py``: the CLI side (start, stop, status of the background process);
- ``server.py``: the process itself, and the WSGI hooks in front of moto (lambda.invoke, RDS,
  deployment snapshots); ``wsgi.py``: what those hooks share; ``latency.py``: the latency model;
- ``moto_adapter.py``: every moto import and patch, and the account id;
- ``clients.py``: the emulator's own boto3 clients (calls it makes to itself);
- ``lambda_/``: the Lambda runner (function config, package, execution environment, pool, logs);
- ``pump.py``: event source mappings, S3 and SNS deliveries; ``gateway.py`` and
  ``authorizer.py``: the API gateway; ``mysql.py``: a MariaDB server per RDS instance.
"""
