"""OrderConfirmation: triggered by the Orders table's stream, e-mails a confirmation per new order.

Seed 004, part 5.2: "envoyer une confirmation de commande par e-mail via SES". For each INSERT
record of the stream (a new order stored by ProcessOrder), SES SendEmail from SENDER (a verified
identity) to the order's ``email`` field, the subject and the text naming the order id.

The SES sandbox: a new account's SES may send only to verified addresses (and from verified
ones); any other recipient is refused with MessageRejected "Email address is not verified"
(SES Developer Guide, "Request production access (Moving out of the Amazon SES sandbox)"); a role
that names only the verified identities is refused first, AccessDenied on the recipient's identity
(a send is authorized on every identity it uses). The function logs either refusal in plain words
and goes on: one refused address must not block the
stream (a raised error would retry the batch until the record expires). Orders without an
``email`` and MODIFY/REMOVE records are skipped.

Environment: SENDER (the verified sender address). The role grants ses:SendEmail on the
verified identities, and reading the stream.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(logging.INFO)

SENDER = os.environ.get("SENDER", "")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

_ses = None


def _client() -> Any:
    global _ses
    if _ses is None:
        _ses = boto3.client("ses")
    return _ses


def _text(image: dict[str, Any], name: str) -> str:
    """A string or number attribute of a stream image ({"S": ...} / {"N": ...}) as text."""
    value = image.get(name) or {}
    return str(value.get("S", value.get("N", "")))


def message(order_id: str, product: str, price: str) -> tuple[str, str]:
    """The confirmation's subject and text (French first, as the lab; English below)."""
    subject = f"Confirmation de commande {order_id} / Order confirmation {order_id}"
    lines = [f"Bonjour,\n\nNous avons bien reçu votre commande {order_id}."]
    if product:
        lines.append(f"Produit : {product}" + (f", prix : {price}" if price else ""))
    lines.append(f"\nHello,\n\nWe have received your order {order_id}.")
    if product:
        lines.append(f"Product: {product}" + (f", price: {price}" if price else ""))
    lines.append("\nAnyCompany Online")
    return subject, "\n".join(lines)


def refused(code: str, message: str, email: str) -> bool:
    """Whether SES refused this recipient (not the whole sending): the sandbox's MessageRejected
    ("Email address is not verified"), or IAM's AccessDenied on the recipient's identity (a send
    is authorized on every identity it uses; the role names the verified ones)."""
    if code == "MessageRejected":
        return True
    return code in ("AccessDenied", "AccessDeniedException") and f"identity/{email}" in message


def confirm(order_id: str, email: str, product: str, price: str) -> bool:
    subject, body = message(order_id, product, price)
    try:
        answer = _client().send_email(
            Source=SENDER, Destination={"ToAddresses": [email]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": body, "Charset": "UTF-8"}}})
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        said = exc.response.get("Error", {}).get("Message", "")
        if not refused(code, said, email):
            raise  # throttling, a role without ses:SendEmail at all...: the batch is retried
        logger.warning("order %s not confirmed by e-mail: SES refused %s (%s: %s). In the SES sandbox only "
                       "verified addresses receive mail: verify %s in SES (and allow its identity in the role), "
                       "or request production access.", order_id, email, code, said, email)
        return False
    logger.info("order %s confirmed by e-mail to %s (sent with SES, MessageId %s)", order_id, email,
                answer.get("MessageId"))
    return True


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    sent = 0
    for record in (event or {}).get("Records", []):
        if record.get("eventName") != "INSERT":
            continue  # an order changed or removed: no new confirmation
        image = (record.get("dynamodb") or {}).get("NewImage") or {}
        order_id, email = _text(image, "order_id"), _text(image, "email").strip()
        if not email:
            logger.info("order %s has no email field: no confirmation sent", order_id)
            continue
        if not EMAIL_RE.fullmatch(email):
            logger.warning("order %s: %r is not an e-mail address: no confirmation sent", order_id, email)
            continue
        sent += confirm(order_id, email, _text(image, "product"), _text(image, "price"))
    return {"sent": sent}
