"""The emulator's certificate authority: TLS for its MariaDB servers, as RDS requires it.

RDS signs each instance's certificate with a regional RDS root CA, and clients verify it
against AWS's CA bundle (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html).
The emulator cannot hold RDS's keys, so it has a CA of its own, made once per ``CODECRAFT_HOME``
(``local/tls/``), which signs a certificate for ``127.0.0.1``/``localhost`` used by every local
MariaDB server. Functions run by the emulator get ``RDS_CA_BUNDLE``: the RDS bundle their package
ships plus this CA, so the same verifying code works on RDS and locally.
"""

from __future__ import annotations

import datetime
import ipaddress
import threading
from dataclasses import dataclass
from pathlib import Path

_LOCK = threading.Lock()
_VALID_DAYS = 3650


@dataclass(frozen=True)
class ServerTLS:
    """Files a TLS server needs, and the CA that clients must trust."""

    ca: Path
    cert: Path
    key: Path


def server_tls(base: Path) -> ServerTLS:
    """The local CA and the loopback server certificate under ``base``, made on first use."""
    files = ServerTLS(base / "ca.pem", base / "server-cert.pem", base / "server-key.pem")
    with _LOCK:
        if not all(p.exists() for p in (files.ca, files.cert, files.key)):
            _make(base, files)
    return files


def local_tls_dir() -> Path:
    """Where the emulator keeps its CA (``CODECRAFT_HOME/local/tls``)."""
    from ..paths import local_dir

    return local_dir() / "tls"


def function_ca_bundle(code_dir: Path) -> Path | None:
    """The ``RDS_CA_BUNDLE`` of a function whose package ships ``rds-ca-bundle.pem``, else None.

    Only once the emulator's CA exists (its first RDS instance made it): before that, no local
    MySQL server exists for the function to reach anyway.
    """
    shipped = code_dir / "rds-ca-bundle.pem"
    local_ca = local_tls_dir() / "ca.pem"
    if not shipped.exists() or not local_ca.exists():
        return None
    import hashlib

    digest = hashlib.sha256(shipped.read_bytes() + local_ca.read_bytes()).hexdigest()[:16]
    return bundle_with_local_ca(shipped, local_ca, local_tls_dir() / f"bundle-{digest}.pem")


def bundle_with_local_ca(bundle: Path, local_ca: Path, out: Path) -> Path:
    """``out`` = the function's RDS bundle followed by the local CA (rewritten when either changes)."""
    text = bundle.read_text() if bundle.exists() else ""
    text = (text.rstrip("\n") + "\n" if text else "") + local_ca.read_text()
    if not out.exists() or out.read_text() != text:
        import tempfile

        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=out.parent, suffix=".tmp", delete=False) as tmp:
            tmp.write(text)
        Path(tmp.name).replace(out)
    return out


def _make(base: Path, files: ServerTLS) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    base.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    until = now + datetime.timedelta(days=_VALID_DAYS)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "codecraft local emulator"),
                         x509.NameAttribute(NameOID.COMMON_NAME, "codecraft local RDS Root CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now).not_valid_after(until)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))

    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(until)
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))

    pem = serialization.Encoding.PEM
    plain = serialization.NoEncryption()
    pkcs8 = serialization.PrivateFormat.PKCS8
    _write(files.key, key.private_bytes(pem, pkcs8, plain), private=True)
    _write(files.cert, cert.public_bytes(pem))
    _write(files.ca, ca.public_bytes(pem))


def _write(path: Path, data: bytes, private: bool = False) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    if private:
        tmp.chmod(0o600)
    tmp.replace(path)
