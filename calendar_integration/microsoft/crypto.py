"""Encryption at rest for token material: MultiFernet over settings.TOKEN_ENCRYPTION_KEYS.

The first key encrypts; every key decrypts, so a new key can be put in front and old data
re-encrypted at leisure (`manage.py rotate_token_keys`) before the old key is dropped.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "encrypt", "fernet", "rotate"]


def fernet() -> MultiFernet:
    keys = [k.strip() for k in settings.TOKEN_ENCRYPTION_KEYS if k.strip()]
    if not keys:
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS is empty")
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError:
        # Never echo the key itself.
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS holds a value that is no Fernet key")


def encrypt(text: str) -> bytes:
    return fernet().encrypt(text.encode())


def decrypt(blob: bytes | memoryview) -> str:
    """Plain text of `blob`; raises InvalidToken when no configured key fits."""
    return fernet().decrypt(bytes(blob)).decode()


def rotate(blob: bytes | memoryview) -> bytes:
    """`blob` re-encrypted under the newest key."""
    return fernet().rotate(bytes(blob))
