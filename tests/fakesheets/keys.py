"""Service-account credentials for the fake: a freshly generated RSA key, never a real one."""

from __future__ import annotations

import functools
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

DEFAULT_EMAIL = "cchc-app@cchc-test.iam.gserviceaccount.com"


@functools.lru_cache(maxsize=4)
def private_key_pem(label: str = "default") -> str:
    """A 2048-bit key generated once per process and label (google-auth signs the JWT with it)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_key_pem(label: str = "default") -> bytes:
    key = serialization.load_pem_private_key(private_key_pem(label).encode(), password=None)
    return key.public_key().public_bytes(  # type: ignore[union-attr]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def service_account_info(token_uri: str, email: str = DEFAULT_EMAIL, label: str = "default") -> dict[str, Any]:
    """A service-account dict in Google's JSON key format whose `token_uri` is the fake's endpoint."""
    return {
        "type": "service_account",
        "project_id": "cchc-test",
        "private_key_id": f"fake-{label}",
        "private_key": private_key_pem(label),
        "client_email": email,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email}",
        "universe_domain": "googleapis.com",
    }
