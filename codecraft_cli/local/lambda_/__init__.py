"""The emulator's Lambda: deployed code run for real, one module per question.

- ``service.py``: one invocation from end to end (``LambdaRunner``, ``Invocation``);
- ``function.py``: what to run (the function's configuration in the emulator's store);
- ``package.py``: the deployed zip unpacked once per CodeSha256, the runtime's libraries, the
  host-build fallback for packages built for another CPython;
- ``environment.py``: one execution environment (a ``bootstrap.py`` process) and its status;
- ``pool.py``: environments checked out and returned, kept warm, ended when idle or stale;
- ``logs.py``: START/END/REPORT and the output shipped to ``/aws/lambda/<name>``;
- ``bootstrap.py``: the runtime inside the environment's process;
- ``node_runtime.py``, ``node/``: the Node.js runtimes (nodejs20.x, nodejs22.x): ``node/bootstrap.mjs``
  speaks bootstrap.py's protocol, the AWS SDK for JavaScript v3 is installed from ``node/package-lock.json``.
"""
