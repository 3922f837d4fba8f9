"""A DynamoDB stream record's image as plain values, for the functions a table's stream triggers.

Listed in the function's shared.txt: the packaging copies it beside app.py.
"""

from __future__ import annotations

import logging
from typing import Any


def plain_image(image: Any, logger: logging.Logger) -> dict[str, Any]:
    """A stream NewImage ({"S": ...}, {"N": ...}) as plain values.

    An attribute that cannot be read is left out, with a warning in the log (a B value arrives as
    base64 text, which the deserializer refuses), so such a record is skipped or worked on, never
    retried forever.
    """
    from boto3.dynamodb.types import TypeDeserializer

    des = TypeDeserializer()
    plain = {}
    for key, value in (image.items() if isinstance(image, dict) else ()):
        try:
            plain[key] = des.deserialize(value)
        except (TypeError, ValueError, AttributeError, ArithmeticError) as exc:
            logger.warning("attribute %s of a stream record left out: %s", key, exc)
    return plain
