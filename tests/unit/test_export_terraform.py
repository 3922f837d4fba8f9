"""``codecraft export --format terraform``: the configuration of each workshop, from the handlers' plans.

``terraform validate`` runs on every workshop's export when Terraform is installed (with its AWS
provider from the offline mirror /opt/tf-plugins, or TF_PLUGIN_DIR); no emulator is needed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from codecraft_cli.engine.export_hcl import string
from codecraft_cli.engine.export_terraform import render
from codecraft_cli.local.rules import NoState, Refusal, refuse
from codecraft_cli.workshop import all_workshops, load_workshop

WORKSHOPS = sorted(w.id for w in all_workshops())
TERRAFORM = shutil.which("terraform")
PLUGINS = os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins")


def _write(files: dict[str, bytes | str], folder: Path) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())


def test_six_workshops_are_exported() -> None:
    assert len(WORKSHOPS) == 8  # the six, anycompany-challenge and workshop4 (issue 15)


def test_names_settings_and_policies_are_the_handlers() -> None:
    main = str(render(load_workshop("anycompany-orders"))["main.tf"])
    # the seed's names and codecraft's settings (workshops/anycompany-orders.yaml)
    for text in ('name         = "Orders"', 'billing_mode = "PAY_PER_REQUEST"', '"OrderNotifications"',
                 '"OrderProcessingQueue"', "visibility_timeout_seconds = 60", 'function_name    = "ProcessOrder"',
                 'runtime          = "python3.12"', "timeout          = 10", "retention_in_days = 7",
                 '"dynamodb:PutItem"', '"${aws_cloudwatch_log_group.logs.arn}:*"', 'type                    = "AWS_PROXY"',
                 'stage_name    = "prod"', "raw_message_delivery = true", 'output "invoke_url"'):
        assert text in main, text
    # the queue policy lets only the topic send (SNS developer guide, SQS subscriptions)
    queue = main[main.index('resource "aws_sqs_queue" "processing_queue"'):]
    queue = queue[:queue.index("\n}\n")]
    assert '"aws:SourceArn" = [aws_sns_topic.notifications.arn]' in queue
    assert ('"Resource" = "arn:aws:sqs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}'
            ':OrderProcessingQueue"') in queue
    # codecraft's ownership tags are not Terraform's
    assert "codecraft:deployment" not in main


def test_lambda_zip_is_packaging_and_referenced_by_its_hash() -> None:
    from codecraft_cli.engine.packaging import build

    files = render(load_workshop("anycompany-orders"))
    artifact = build("process_order")
    assert files["lambda/ProcessOrder.zip"] == artifact.zip_bytes
    assert f'source_code_hash = "{artifact.code_sha256}"' in str(files["main.tf"])
    assert 'filename         = "${path.module}/lambda/ProcessOrder.zip"' in str(files["main.tf"])


def test_student_prefixes_names() -> None:
    main = str(render(load_workshop("anycompany-orders"), student="alice")["main.tf"])
    assert '"alice-Orders"' in main and '"alice-ProcessOrder"' in main


def test_bucket_name_suffix_is_s3_bucket_name() -> None:
    import hashlib

    from codecraft_cli.resources.s3 import bucket_name

    main = str(render(load_workshop("job-events"))["main.tf"])
    line = next(x for x in main.splitlines() if x.strip().startswith("bucket ") and "sha256" in x)
    # the same formula as the handler's (account/region/student), computed by Terraform
    assert 'sha256("${data.aws_caller_identity.current.account_id}/${data.aws_region.current.name}/"), 0, 8' in line
    digest = hashlib.sha256(b"123456789012/us-east-1/").hexdigest()[:8]
    assert bucket_name("codecraft-job-results", "123456789012", "us-east-1", None).endswith(digest)


def test_local_target_points_every_service_at_the_emulator() -> None:
    main = str(render(load_workshop("job-events"), target="local", endpoint="http://127.0.0.1:4566",
                      gateway="http://127.0.0.1:4567")["main.tf"])
    block = main[main.index('provider "aws"'):main.index("}\n", main.index("endpoints {")) + 2]
    for setting in ("skip_credentials_validation = true", "skip_requesting_account_id  = true",
                    "s3_use_path_style           = true", 'access_key                  = "codecraft"'):
        assert setting in block, setting
    for service in ("apigateway", "cloudwatchlogs", "dynamodb", "iam", "lambda", "s3", "sqs", "sns", "sts"):
        assert re.search(rf'\n\s+{service}\s+= "http://127.0.0.1:4566"', block), service
    assert '"http://127.0.0.1:4567/${aws_api_gateway_rest_api.jobs_api.id}/prod"' in main


def test_aws_target_has_no_endpoint() -> None:
    main = str(render(load_workshop("job-events"))["main.tf"])
    assert "endpoints" not in main and "127.0.0.1" not in main
    assert "aws_api_gateway_stage.stage.invoke_url" in main


def test_prerequisites_are_read_from_their_state() -> None:
    main = str(render(load_workshop("workshop2"))["main.tf"])
    assert 'data "terraform_remote_state" "workshop1"' in main
    assert "data.terraform_remote_state.workshop1.outputs.db_secret_arn" in main
    # workshop1 outputs what workshop2 reads
    first = str(render(load_workshop("workshop1"))["main.tf"])
    for name in ("db_secret_arn", "network_endpoint_subnets", "user_pool_arn", "lambda_sg_id"):
        assert f'output "{name}"' in first, name


def test_stream_trigger_reads_from_the_start_of_the_stream() -> None:
    # StartingPosition is required for a DynamoDB stream source (API_CreateEventSourceMapping.html)
    main = str(render(load_workshop("job-events"))["main.tf"])
    mapping = main[main.index('resource "aws_lambda_event_source_mapping"'):]
    assert 'starting_position       = "TRIM_HORIZON"' in mapping[:mapping.index("\n}")]


def test_hcl_strings_escape_all_but_references() -> None:
    assert string("${aws_sqs_queue.q.arn}") == "aws_sqs_queue.q.arn"
    assert string('say "hi" ${a.b}/x') == '"say \\"hi\\" ${a.b}/x"'
    assert string("100%{x}") == '"100%%{x}"'


def test_empty_stage_name_creates_a_deployment_only() -> None:
    # CreateDeployment's stageName is optional (API_CreateDeployment.html); Terraform sends ""
    assert refuse("apigateway", "CreateDeployment", {"restApiId": "abc", "stageName": ""}, NoState()) is None
    refused = refuse("apigateway", "CreateDeployment", {"restApiId": "abc", "stageName": "bad stage"}, NoState())
    assert isinstance(refused, Refusal)
    # CreateStage needs a real name
    assert isinstance(refuse("apigateway", "CreateStage", {"restApiId": "abc", "deploymentId": "d",
                                                          "stageName": ""}, NoState()), Refusal)


def _validate(folder: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``terraform init`` from the offline provider mirror (asserted), then ``terraform validate``."""
    config = tmp_path / "cli.tfrc"  # no ~/.terraformrc: its own, empty
    config.write_text("")
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    init = subprocess.run([str(TERRAFORM), "init", "-input=false", "-backend=false", f"-plugin-dir={PLUGINS}"],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert init.returncode == 0, init.stderr
    return subprocess.run([str(TERRAFORM), "validate", "-no-color"], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed (https://developer.hashicorp.com/terraform/install)")
@pytest.mark.parametrize("workshop", WORKSHOPS)
def test_terraform_validate(workshop: str, tmp_path: Path) -> None:
    if not Path(PLUGINS).is_dir():
        pytest.skip(f"no offline AWS provider at {PLUGINS} (set TF_PLUGIN_DIR)")
    folder = tmp_path / f"{workshop}-terraform"
    _write(render(load_workshop(workshop)), folder)
    done = _validate(folder, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success! The configuration is valid" in done.stdout
    warnings = re.findall(r"Warning: (.+)", done.stdout + done.stderr)
    # workshop3 redeploys workshop2's stage: aws_api_gateway_deployment's (deprecated) stage_name is
    # the only way to update a stage another configuration owns
    allowed = ["Argument is deprecated"] if workshop == "workshop3" else []
    assert [w for w in warnings if w not in allowed] == [], done.stdout


@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed (https://developer.hashicorp.com/terraform/install)")
@pytest.mark.parametrize("workshop", ["anycompany-orders", "workshop2"])
def test_a_learner_lab_export_uses_labrole_and_creates_no_role(workshop: str, tmp_path: Path) -> None:
    """AWS Academy Learner Lab accounts cannot create IAM roles: functions run with LabRole."""
    if not Path(PLUGINS).is_dir():
        pytest.skip(f"no offline AWS provider at {PLUGINS} (set TF_PLUGIN_DIR)")
    folder = tmp_path / f"{workshop}-terraform"
    files = render(load_workshop(workshop), lab_role=True)
    main_tf = str(files["main.tf"])
    assert 'resource "aws_iam_role' not in main_tf
    assert 'data "aws_iam_role"' in main_tf and 'name = "LabRole"' in main_tf
    assert re.search(r"role\s*=\s*data\.aws_iam_role\.\w+\.arn", main_tf)
    _write(files, folder)
    done = _validate(folder, tmp_path)
    assert done.returncode == 0 and "Success! The configuration is valid" in done.stdout, done.stdout + done.stderr


def _run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
         *argv: str) -> tuple[int, str, str]:
    """``codecraft <argv>`` in process, in tmp_path (English)."""
    from codecraft_cli.cli.app import main

    for var in ("CODECRAFT_PSEUDO_LOCALE", "LC_ALL", "LC_MESSAGES", "LANG", "CODECRAFT_DEBUG", "CODECRAFT_TARGET"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CODECRAFT_LANG", "en")
    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out, out.err


def test_export_writes_the_default_folder_and_says_what_next(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(monkeypatch, tmp_path, capsys, "export", "anycompany-orders", "--format", "terraform",
                          "--target", "aws")
    assert code == 0, err
    folder = tmp_path / "anycompany-orders-terraform"
    assert (folder / "main.tf").is_file() and (folder / "lambda" / "ProcessOrder.zip").is_file()
    assert "anycompany-orders-terraform" in err and "terraform init && terraform apply" in err
    assert out == ""  # messages on stderr


def test_export_without_terraform_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import codecraft_cli.cli.cmd_export as cmd

    monkeypatch.setattr(cmd.shutil, "which", lambda name: None)
    code, _out, err = _run(monkeypatch, tmp_path, capsys, "export", "job-events", "--target", "aws", "-o", "tf")
    assert code == 0, err
    assert (tmp_path / "tf" / "main.tf").is_file()
    assert "Terraform is not installed" in err and "https://developer.hashicorp.com/terraform/install" in err


@pytest.mark.parametrize("argv,said", [
    (("export", "anycompany-orders", "--format", "yaml", "--target", "aws"), "Unknown format 'yaml'"),
    (("export", "anycompany-orders", "--target", "moon"), "Unknown target 'moon'"),
    (("export", "nope", "--target", "aws"), "Unknown workshop 'nope'"),
])
def test_export_bad_input_is_exit_2_with_a_hint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                                                said: str) -> None:
    code, _out, err = _run(monkeypatch, tmp_path, capsys, *argv)
    assert code == 2 and said in err and "Hint:" in err and "Traceback" not in err


@pytest.mark.parametrize(("fmt", "marker"), [("terraform", 'resource "aws_sqs_queue"'),
                                             ("cloudformation", "AWSTemplateFormatVersion")])
def test_export_to_stdout_writes_the_code_as_a_document(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str], fmt: str,
                                                        marker: str) -> None:
    """`-o -`: the code on stdout (a document), the note on stderr, no file written."""
    code, out, err = _run(monkeypatch, tmp_path, capsys, "export", "anycompany-orders", "--format", fmt,
                          "--target", "aws", "-o", "-")
    assert code == 0, err
    assert marker in out and "OrderProcessingQueue" in out
    assert "Lambda packages" in err and marker not in err
    assert not [p for p in tmp_path.iterdir() if p.name != "home"]
