"""The embedded local AWS: one background process on loopback holding

- moto's server (the control plane of every service, state in memory while it runs);
- a gateway that serves every deployed REST API stage from its moto definition
  (resources, methods, AWS_PROXY integrations, Lambda permissions);
- a Lambda runner that executes the deployed code in a subprocess with the function's
  environment, handler and timeout, the emulator as its AWS endpoint, and its output
  written to the function's CloudWatch log group.

``codecraft local start|stop|status|reset`` drive it (process.py); commands on the local
target start it on demand.
"""
