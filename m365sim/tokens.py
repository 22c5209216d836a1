"""Token minting and checking: RS256 id tokens and Graph access tokens, the JWKS.

Claims follow Microsoft's token references:
- ID token (v2.0): https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference
- Access token (Graph issues v1.0 tokens): https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
- Signing keys / JWKS: https://learn.microsoft.com/entra/identity-platform/signing-key-rollover
All times come from the simulator clock (m365sim.clock.now()).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import IntegrityError

from m365sim import clock
from m365sim.models import EBMS_CLIENT_ID, Mailbox, SigningKey

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_RESOURCE = "https://graph.microsoft.com"
GRAPH_AUDIENCES = (GRAPH_APP_ID, GRAPH_RESOURCE, GRAPH_RESOURCE + "/")
GLOBAL_ADMIN_ROLE = "62e90394-69f5-4237-9190-012177145e10"  # wids claim of a Global Administrator
ID_TOKEN_LIFETIME = timedelta(hours=1)

__all__ = [
    "GRAPH_APP_ID",
    "GRAPH_AUDIENCES",
    "InvalidAccessToken",
    "access_token_lifetime",
    "client_info",
    "issue_access_token",
    "issue_id_token",
    "issuer_v2",
    "jwks",
    "opaque_token",
    "token_hash",
    "validate_access_token",
]


class InvalidAccessToken(Exception):
    """The bearer token is unusable; `reason` is one of: malformed, bad_signature,
    wrong_audience, expired, not_yet_valid."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _Key:
    kid: str
    private_key: rsa.RSAPrivateKey
    certificate_pem: str


_key_cache: dict[str, _Key] = {}
# The last key row this process made: reused when the table is empty again (test databases
# are flushed between tests; generating RSA keys each time would be slow).
_last_row: dict[str, str] = {}


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _new_key_row() -> SigningKey:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "accounts.m365sim.invalid")])
    now = clock.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .sign(private_key, hashes.SHA256())
    )
    # Microsoft's kid equals the certificate's x5t (base64url SHA-1 thumbprint).
    kid = _b64url(cert.fingerprint(hashes.SHA1()))  # noqa: S303 - x5t is defined as SHA-1
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return SigningKey(
        kid=kid,
        private_pem=private_pem,
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
    )


def _signing_key() -> _Key:
    """The current key, created once and kept in the simulator database."""
    row = SigningKey.objects.order_by("pk").first()
    if row is None:
        new = SigningKey(**_last_row) if _last_row else _new_key_row()
        _last_row.update(
            kid=new.kid, private_pem=new.private_pem, certificate_pem=new.certificate_pem
        )
        with contextlib.suppress(IntegrityError):  # created concurrently: use that one
            new.save()
        row = SigningKey.objects.order_by("pk").first()
    cached = _key_cache.get(row.kid)
    if cached is None:
        private_key = serialization.load_pem_private_key(row.private_pem.encode(), password=None)
        cached = _Key(kid=row.kid, private_key=private_key, certificate_pem=row.certificate_pem)
        _key_cache[row.kid] = cached
    return cached


def issuer_v2(tenant_id: str | uuid.UUID) -> str:
    """Issuer of v2.0 tokens: https://login.microsoftonline.com/{tid}/v2.0."""
    return f"{settings.M365_AUTHORITY_HOST.rstrip('/')}/{tenant_id}/v2.0"


def _issuer_v1(tenant_id: str | uuid.UUID) -> str:
    return f"https://sts.windows.net/{tenant_id}/"


def jwks() -> dict:
    """The JSON Web Key Set, shaped like /{tenant}/discovery/v2.0/keys."""
    key = _signing_key()
    numbers = key.private_key.public_key().public_numbers()
    cert = x509.load_pem_x509_certificate(key.certificate_pem.encode())
    der = cert.public_bytes(serialization.Encoding.DER)
    return {
        "keys": [
            {
                "kty": "RSA",
                "use": "sig",
                "kid": key.kid,
                "x5t": key.kid,
                "n": _b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
                "e": _b64url(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
                "x5c": [base64.b64encode(der).decode()],
                "cloud_instance_name": "microsoftonline.com",
                "issuer": issuer_v2("{tenantid}"),
            }
        ]
    }


def _sign(claims: dict) -> str:
    key = _signing_key()
    return jwt.encode(
        claims, key.private_key, algorithm="RS256", headers={"kid": key.kid, "x5t": key.kid}
    )


def _pairwise_sub(mailbox: Mailbox, client_id: str) -> str:
    # `sub` is unique per user *and* app (a pairwise identifier), unlike `oid`.
    digest = hashlib.sha256(f"{mailbox.object_id}:{client_id}".encode()).digest()
    return _b64url(digest)[:43]


def access_token_lifetime() -> timedelta:
    """Microsoft randomises access token lifetimes between 60 and 90 minutes."""
    return timedelta(seconds=3600 + secrets.randbelow(1800))


def issue_id_token(
    mailbox: Mailbox,
    client_id: str,
    *,
    nonce: str = "",
    include_email: bool = False,
) -> str:
    """A v2.0 ID token for `client_id` (aud) about `mailbox`, signed RS256."""
    now = clock.now()
    tid = str(mailbox.tenant_id)
    claims = {
        "aud": str(client_id),
        "iss": issuer_v2(tid),
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + ID_TOKEN_LIFETIME).timestamp()),
        "name": mailbox.display_name,
        "oid": str(mailbox.object_id),
        "preferred_username": mailbox.email,
        "rh": "0.A" + _b64url(secrets.token_bytes(24)),
        "sub": _pairwise_sub(mailbox, str(client_id)),
        "tid": tid,
        "uti": _b64url(secrets.token_bytes(16)),
        "ver": "2.0",
    }
    if nonce:
        claims["nonce"] = nonce
    if include_email:
        claims["email"] = mailbox.email
    return _sign(claims)


def issue_access_token(
    mailbox: Mailbox,
    scopes: list[str] | tuple[str, ...],
    client_id: str = EBMS_CLIENT_ID,
    *,
    lifetime: timedelta | None = None,
    app_display_name: str = "EBMS Kalenderintegration",
) -> str:
    """A Graph access token (v1.0 shape, as Graph gets them) for `mailbox` with `scopes`.

    `scopes` are short Graph names ("Calendars.ReadWrite"); `scp` is their space-joined list.
    """
    now = clock.now()
    lifetime = lifetime or access_token_lifetime()
    tid = str(mailbox.tenant_id)
    claims = {
        "aud": GRAPH_APP_ID,
        "iss": _issuer_v1(tid),
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "acct": 0,
        "amr": ["pwd"],
        "app_displayname": app_display_name,
        "appid": str(client_id),
        "appidacr": "1",
        "family_name": mailbox.surname,
        "given_name": mailbox.given_name,
        "idtyp": "user",
        "name": mailbox.display_name,
        "oid": str(mailbox.object_id),
        "scp": " ".join(scopes),
        "sub": _pairwise_sub(mailbox, GRAPH_APP_ID),
        "tid": tid,
        "unique_name": mailbox.email,
        "upn": mailbox.email,
        # Not in Microsoft's v1.0 Graph tokens; added for the simulator's own convenience.
        "preferred_username": mailbox.email,
        "uti": _b64url(secrets.token_bytes(16)),
        "ver": "1.0",
    }
    if mailbox.is_tenant_admin:
        claims["wids"] = [GLOBAL_ADMIN_ROLE]
    return _sign(claims)


def validate_access_token(raw: str) -> dict:
    """Claims of a Graph access token this simulator issued; raises InvalidAccessToken.

    Expiry is judged by the simulator clock (with no leeway, as Graph answers
    "Access token has expired or is not yet valid." once `exp` has passed).
    """
    try:
        header = jwt.get_unverified_header(raw)
    except jwt.InvalidTokenError:
        raise InvalidAccessToken("malformed")
    key = _signing_key()
    if header.get("kid") != key.kid:
        raise InvalidAccessToken("bad_signature")
    try:
        claims = jwt.decode(
            raw,
            key.private_key.public_key(),
            algorithms=["RS256"],
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
            },
        )
    except jwt.InvalidSignatureError:
        raise InvalidAccessToken("bad_signature")
    except jwt.InvalidTokenError:
        raise InvalidAccessToken("malformed")
    if claims.get("aud") not in GRAPH_AUDIENCES:
        raise InvalidAccessToken("wrong_audience")
    now = clock.now().timestamp()
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= now:
        raise InvalidAccessToken("expired")
    if isinstance(claims.get("nbf"), int) and claims["nbf"] > now + 300:
        raise InvalidAccessToken("not_yet_valid")
    return claims


def opaque_token() -> str:
    """A random code / refresh token, shaped like Microsoft's ("0.A" + base64url)."""
    return "0.A" + _b64url(secrets.token_bytes(48))


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def client_info(mailbox: Mailbox) -> str:
    """base64url JSON {uid, utid} returned when the client sends client_info=1 (MSAL does)."""
    data = {"uid": str(mailbox.object_id), "utid": str(mailbox.tenant_id)}
    return _b64url(json.dumps(data, separators=(",", ":")).encode())
