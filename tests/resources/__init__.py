"""Tests of the resource handlers, mirroring ``codecraft_cli/resources/``.

Convention: every test of handler module ``codecraft_cli/resources/X.py`` is in
``tests/resources/test_X.py`` — its plans compared as data (no I/O, :class:`fakes.PlanContext`)
and its exact AWS requests run through the real Executor against botocore Stubbers
(:mod:`stubs`, the one Stubber harness, through the ``orders``, ``w1`` and ``w2`` fixtures of
``conftest.py``); ``test_registry.py`` tests the registry (``__init__.py``) over every handler.
What the dependencies of each resource produced is written once per workshop:
:mod:`orders_outputs` (anycompany-orders) and :mod:`projects_outputs` (workshop1 and workshop2).

Tests about several handlers at once or a whole workshop stay where they are, in a file named
for what they test (tests/unit/test_policies.py, test_rules_workshops.py, tests/functional/
test_deploy_moto.py, test_learner_lab.py, ...).
"""
