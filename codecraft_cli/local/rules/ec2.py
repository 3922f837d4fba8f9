"""EC2: security groups and their rules (the calls the workshops make)."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from .base import Params, Refusal, State, number, rule, text

INVALID = "InvalidParameterValue"
# "Constraints for EC2-VPC: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*", up to 255
# characters (API_CreateSecurityGroup.html, GroupName and GroupDescription; the same set for
# rule descriptions, API_IpRange.html Description).
_ALLOWED = re.compile(r"[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]*")
_SET = "a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"


def _text_problem(value: str, parameter: str) -> Refusal | None:
    if len(value) > 255:
        return Refusal(INVALID, f"Value ({value}) for parameter {parameter} is invalid. "
                                "Length exceeds maximum of 255 characters.")
    if not value.isascii():
        return Refusal(INVALID, f"Value ({value}) for parameter {parameter} is invalid. "
                                "Character sets beyond ASCII are not supported.")
    if not _ALLOWED.fullmatch(value):
        return Refusal(INVALID, f"Value ({value}) for parameter {parameter} is invalid. Valid values are "
                                f"strings less than 256 characters from the following set:  {_SET}")
    return None


@rule("ec2", "CreateSecurityGroup")
def group_name(params: Params, state: State) -> Refusal | None:
    """GroupName: "Constraints: Up to 255 characters in length. Cannot start with sg-"; the name
    "default" is reserved (InvalidGroup.Reserved, errors-overview.html)."""
    name = text(params.get("GroupName"))
    if name is None:
        return None
    if not name:
        return Refusal("MissingParameter", "The request must contain the parameter GroupName")
    if name.lower().startswith("sg-"):
        return Refusal(INVALID, f"Value ({name}) for parameter GroupName is invalid. "
                                "Group names may not be in the format sg-*.")
    if name == "default":
        return Refusal("InvalidGroup.Reserved", "The security group 'default' is reserved.")
    return _text_problem(name, "GroupName")


@rule("ec2", "CreateSecurityGroup")
def group_description(params: Params, state: State) -> Refusal | None:
    description = text(params.get("Description"))
    if description is None:
        return None
    if not description:
        return Refusal("MissingParameter", "The request must contain the parameter GroupDescription")
    return _text_problem(description, "GroupDescription")


_PROTOCOLS = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "-1": -1, "all": -1}


def _permission(perm: dict[str, Any]) -> Refusal | None:
    """One IpPermission (API_IpPermission.html): protocol name or number (-1 for all);
    tcp/udp ports 0-65535 with FromPort <= ToPort, both given; ICMP type/code -1 to 255;
    CIDR blocks valid; descriptions from the security-group character set."""
    protocol = str(perm.get("IpProtocol", "")).lower()
    if protocol in _PROTOCOLS:
        proto = _PROTOCOLS[protocol]
    elif protocol.isdigit() and 0 <= int(protocol) <= 255:
        proto = int(protocol)
    else:
        return Refusal(INVALID, f"Invalid value '{protocol}' for IP protocol. Unknown protocol.")
    low, high = number(perm.get("FromPort")), number(perm.get("ToPort"))
    if proto in (6, 17):
        if low is None or high is None:
            return Refusal("InvalidParameterValue",
                           "Invalid value for portRange. Must specify both from and to ports with TCP/UDP.")
        if not (0 <= low <= 65535 and 0 <= high <= 65535) or low > high:
            return Refusal(INVALID, f"Invalid TCP/UDP port range ({low}, {high}).")
    elif proto in (1, 58):
        for value, what in ((low, "type"), (high, "code")):
            if value is not None and not -1 <= value <= 255:
                return Refusal(INVALID, f"Invalid value '{value}' for ICMP {what}.")
    for ranges, key, version in (("IpRanges", "CidrIp", 4), ("Ipv6Ranges", "CidrIpv6", 6)):
        for entry in perm.get(ranges) or []:
            cidr = str(entry.get(key, ""))
            try:
                network = ipaddress.ip_network(cidr, strict=False)
                if network.version != version or "/" not in cidr:
                    raise ValueError(cidr)
            except ValueError:
                name = key[0].lower() + key[1:]
                return Refusal(INVALID, f"Value ({cidr}) for parameter {name} is invalid. "
                                        "This is not a valid CIDR block.")
            description = entry.get("Description")
            if isinstance(description, str) and (len(description) > 255 or not description.isascii()
                                                 or not _ALLOWED.fullmatch(description)):
                return Refusal(INVALID, "Invalid rule description. Valid descriptions are strings less than "
                                        f"256 characters from the following set:  {_SET}")
    for pair in perm.get("UserIdGroupPairs") or []:
        description = pair.get("Description")
        if isinstance(description, str) and not _ALLOWED.fullmatch(description):
            return Refusal(INVALID, "Invalid rule description. Valid descriptions are strings less than "
                                    f"256 characters from the following set:  {_SET}")
    return None


@rule("ec2", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
      "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress")
def permissions(params: Params, state: State) -> Refusal | None:
    if not params.get("GroupId") and not params.get("GroupName"):
        return Refusal("MissingParameter", "The request must contain the parameter groupId or groupName")
    perms = params.get("IpPermissions")
    if isinstance(perms, list):
        for perm in perms:
            if isinstance(perm, dict):
                refusal = _permission(perm)
                if refusal:
                    return refusal
    return None


@rule("ec2", "CreateVpcEndpoint")
def vpc_endpoint(params: Params, state: State) -> Refusal | None:
    """Interface endpoints take subnets and security groups; a Gateway endpoint takes route
    tables and no security group (API_CreateVpcEndpoint.html)."""
    kind = params.get("VpcEndpointType", "Gateway")
    if kind == "Gateway" and params.get("SecurityGroupIds"):
        return Refusal(INVALID, "Security groups are not supported for Gateway type VPC endpoint.")
    if kind == "Gateway" and params.get("SubnetIds"):
        return Refusal(INVALID, "Subnets are not supported for Gateway type VPC endpoint.")
    if kind == "Interface" and params.get("RouteTableIds"):
        return Refusal(INVALID, "Route tables are not supported for Interface type VPC endpoint.")
    return None


@rule("ec2", "CreateVpcEndpoint")
def endpoint_service(params: Params, state: State) -> Refusal | None:
    """ServiceName must name a service offered in the region (DescribeVpcEndpointServices);
    otherwise InvalidServiceName, "The Vpc Endpoint Service '...' does not exist"
    (API_CreateVpcEndpoint.html; errors-overview.html, InvalidServiceName)."""
    name = text(params.get("ServiceName"))
    if name and state.vpc_endpoint_service_exists(name) is False:
        return Refusal("InvalidServiceName", f"The Vpc Endpoint Service '{name}' does not exist")
    return None


@rule("ec2", "DeleteSecurityGroup")
def default_group(params: Params, state: State) -> Refusal | None:
    """"You can't delete a default security group" (API_DeleteSecurityGroup.html;
    default-security-group.html): CannotDelete (errors-overview.html)."""
    group_id = text(params.get("GroupId"))
    if params.get("GroupName") == "default" or (group_id and state.security_group_name(group_id) == "default"):
        shown_id = group_id or "default"
        return Refusal("CannotDelete", f'the specified group: "{shown_id}" name: "default" cannot be deleted '
                                       "by a user")
    return None
