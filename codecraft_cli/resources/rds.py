"""RDS DB instances (MySQL), with the master password managed by RDS in Secrets Manager.

YAML::

    - id: db
      type: rds.db_instance
      name: ProjetOpenSourceDB
      properties:
        database: ProjetOpenSourceDB
        instance_class: db.t3.micro
        security_groups: [${db_sg.id}]

Creation takes 5 to 15 minutes on AWS, so the handler is ``slow``: the engine starts it first
and everything else proceeds meanwhile. No password is ever sent or stored by codecraft
(``ManageMasterUserPassword``); the secret's ARN is an output. The instance is single-AZ,
20 GB gp2, not publicly accessible, without deletion protection and without automated backups
(a classroom database), and is deleted without a final snapshot.

On the embedded emulator a real MariaDB server answers at the instance's endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import EmulatorError
from ..i18n import N_, _
from ..workshop.model import ResourceSpec, as_list
from .base import (Call, Context, Finding, Handler, Observed, Prop, Step, TypeInfo, Wait, register, tag_list,
                   tags_from_list)
from .base import STUDENT_PREFIX, Text
from .teaching import finding
from .pricing import GP2_PER_GB_MONTH, HOURS_PER_MONTH, RDS_MYSQL, price

_GONE = ("DBInstanceNotFound", "DBInstanceNotFoundFault")
CLASSES = ("db.t3.micro", "db.t4g.micro")


@register
class DbInstance(Handler):
    # DBInstanceIdentifier: 1-63 letters, digits or hyphens, starting with a letter, no two
    # consecutive hyphens, not ending with one (RDS API reference, CreateDBInstance)
    info = TypeInfo("rds.db_instance", "rds", N_("RDS › Databases"), gone=_GONE, sweep_rank=100, arn_service="rds",
                    slow=True, id_output="arn",
                    name_text=Text(r"[A-Za-z](?!.*--)[A-Za-z0-9-]*(?<!-)", 63,
                                   N_("letters, digits and single hyphens, starting with a letter, not ending with a hyphen"),
                                   reserve=STUDENT_PREFIX))
    schema = {
        "database": Prop(str, required=True),
        "instance_class": Prop(str, choices=CLASSES),
        "engine_version": Prop(str),
        "security_groups": Prop(list, required=True),
        "master_username": Prop(str),
        "publicly_accessible": Prop(bool),
    }
    outputs = ("name", "id", "arn", "address", "port", "secret_arn", "database")
    # seed 000: the database "ProjetOpenSourceDB" its code connects to; size, access and protection
    # are codecraft's choices (cost and safety), shown as advice
    prescribed = ("name", "database")
    permissions = ("rds:CreateDBInstance", "rds:DescribeDBInstances", "rds:ModifyDBInstance",
                   "rds:DeleteDBInstance", "rds:AddTagsToResource", "secretsmanager:CreateSecret",
                   "kms:DescribeKey", "iam:CreateServiceLinkedRole", "ec2:DescribeSecurityGroups")

    def name(self, ctx: Context, res: ResourceSpec) -> str:
        return super().name(ctx, res).lower()  # RDS stores identifiers in lower case

    def prepare(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> None:
        if ctx.is_local:
            from ..local.mysql import INSTALL_HINT, mariadbd_path

            if not mariadbd_path():
                raise EmulatorError(_("The embedded emulator runs RDS instances on a real MariaDB server, "
                                      "and mariadbd is not installed."), hint=_(INSTALL_HINT))

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        got = self.fetch(lambda: ctx.client("rds").describe_db_instances(DBInstanceIdentifier=self.name(ctx, res)))
        if got is None:
            return Observed(False)
        db = got["DBInstances"][0]
        if db.get("DBInstanceStatus") == "deleting":
            return Observed(False, {"deleting": True})
        return Observed(True, _attrs(db), tags_from_list(db.get("TagList")))

    def _want(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {"DBInstanceClass": props.get("instance_class", "db.t3.micro"),
                "PubliclyAccessible": bool(props.get("publicly_accessible", False)),
                "DeletionProtection": False}

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        name = self.name(ctx, res)
        want = self._want(props)
        if not observed.exists:
            params: dict[str, Any] = {
                "DBInstanceIdentifier": name,
                "Engine": "mysql",
                "DBName": props["database"],
                "AllocatedStorage": 20,
                "StorageType": "gp2",
                "MultiAZ": False,
                "MasterUsername": props.get("master_username", "admin"),
                "ManageMasterUserPassword": True,
                "VpcSecurityGroupIds": as_list(props["security_groups"]),
                "BackupRetentionPeriod": 0,
                "CopyTagsToSnapshot": True,
                "Tags": tag_list(ctx.tags),
                **want,
            }
            if props.get("engine_version"):
                params["EngineVersion"] = props["engine_version"]
            return [
                Call("rds", "create_db_instance", params, output="created", records=True),
                Wait("rds", "db_instance_available", {"DBInstanceIdentifier": name}),
                Call("rds", "describe_db_instances", {"DBInstanceIdentifier": name}, output="described"),
            ]
        changed = {k: v for k, v in want.items() if observed.attrs.get(k) != v}
        if not changed:
            return []
        return [
            Call("rds", "modify_db_instance", {"DBInstanceIdentifier": name, "ApplyImmediately": True, **changed}),
            Wait("rds", "db_instance_available", {"DBInstanceIdentifier": name}),
        ]

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        name, have, want = self.name(ctx, res), observed.attrs, self._want(props)
        found: list[Finding | str] = []
        if have.get("DBName") is not None and have.get("DBName") != props["database"]:
            found.append(finding("database",
                                 _("RDS › Databases › Create database › Additional configuration: Initial database "
                                   "name {database} (it is {have})").format(database=props["database"],
                                                                           have=have.get("DBName")),
                                 _("the workshop's code connects to this database")))
        if have.get("DBInstanceClass") != want["DBInstanceClass"]:
            found.append(finding("instance_class",
                                 _("RDS › Databases › {instance} › Modify: DB instance class {klass}").format(
                                     instance=name, klass=want["DBInstanceClass"]),
                                 _("the smallest class is enough for a workshop (free tier); it is billed by the "
                                   "hour")))
        if have.get("PubliclyAccessible") != want["PubliclyAccessible"]:
            found.append(finding("publicly_accessible",
                                 (_("RDS › Databases › {instance} › Modify › Connectivity: Public access Yes")
                                  if want["PubliclyAccessible"] else
                                  _("RDS › Databases › {instance} › Modify › Connectivity: Public access No"))
                                 .format(instance=name),
                                 _("only the function, in the VPC, needs to reach it")))
        if have.get("DeletionProtection") != want["DeletionProtection"]:
            found.append(finding("deletion_protection",
                                 _('RDS › Databases › {instance} › Modify: untick "Enable deletion protection"')
                                 .format(instance=name),
                                 _("a workshop database is deleted at the end (codecraft teardown)")))
        return found

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        attrs = dict(observed.attrs)
        if "described" in results:
            attrs = _attrs(results["described"]["DBInstances"][0])
        elif "created" in results:
            attrs = {**attrs, **_attrs(results["created"]["DBInstance"])}
        name = self.name(ctx, res)
        return {
            "name": name, "id": name, "database": props["database"],
            "instance_class": props.get("instance_class", "db.t3.micro"),
            "arn": f"arn:aws:rds:{ctx.region}:{ctx.account_id}:db:{name}",
            "address": attrs.get("address"), "port": attrs.get("port"), "secret_arn": attrs.get("secret_arn"),
        }

    def observe_for_delete(self, ctx: Context, record: Mapping[str, Any]) -> dict[str, Any]:
        got = self.fetch(lambda: ctx.client("rds").describe_db_instances(DBInstanceIdentifier=record["outputs"]["id"]))
        if got is None:
            return {"gone": True}
        db = got["DBInstances"][0]
        return {"protected": bool(db.get("DeletionProtection")), "status": db.get("DBInstanceStatus")}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        found = found or {}
        if found.get("gone"):
            return []
        name = record["outputs"]["id"]
        calls: list[Step] = []
        if found.get("protected"):
            calls.append(Call("rds", "modify_db_instance",
                              {"DBInstanceIdentifier": name, "DeletionProtection": False, "ApplyImmediately": True}))
        if found.get("status") != "deleting":
            calls.append(Call("rds", "delete_db_instance", {
                "DBInstanceIdentifier": name, "SkipFinalSnapshot": True, "DeleteAutomatedBackups": True},
                gone_ok=_GONE))
        # the security groups it uses can only go once it is gone
        calls.append(Wait("rds", "db_instance_deleted", {"DBInstanceIdentifier": name}))
        return calls

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        return {"id": resource[3:], "name": resource[3:]} if resource.startswith("db:") else None

    def hourly_cost(self, outputs: Mapping[str, Any], region: str) -> tuple[float, str] | None:
        prices, factor = price(RDS_MYSQL, region)
        cls = str(outputs.get("instance_class") or "db.t3.micro")
        gp2, _same = price(GP2_PER_GB_MONTH, region)
        hourly = prices.get(cls, prices["db.t3.micro"]) + 20 * gp2 / HOURS_PER_MONTH
        return hourly * factor, _("RDS {klass} + 20 GB gp2").format(klass=cls)

    def cost_outputs(self, res: ResourceSpec) -> dict[str, Any]:
        return {"instance_class": res.properties.get("instance_class", "db.t3.micro")}


def _attrs(db: Mapping[str, Any]) -> dict[str, Any]:
    endpoint = db.get("Endpoint") or {}
    return {
        "status": db.get("DBInstanceStatus"),
        "DBName": db.get("DBName"),
        "DBInstanceClass": db.get("DBInstanceClass"),
        "PubliclyAccessible": bool(db.get("PubliclyAccessible")),
        "DeletionProtection": bool(db.get("DeletionProtection")),
        "address": endpoint.get("Address"),
        "port": endpoint.get("Port"),
        "secret_arn": (db.get("MasterUserSecret") or {}).get("SecretArn"),
    }
