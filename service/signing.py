"""The service's Ed25519 signing key: read from a PKCS #8 PEM file, or created at the default place in the
data folder when absent (the embedded / demo case).

Creation is atomic: the key is written to a private temporary file and linked into place, so that
several workers starting at once end up with one key, never two.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from service.domain.checkpoints import Signer, b64

log = structlog.get_logger("lextime.signing")


class SigningKeyError(Exception):
    """The signing key cannot be read or is not an Ed25519 key."""


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    fd, tmp = tempfile.mkstemp(prefix=".signing-key-", dir=path.parent)  # created with mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):  # another process won the race: use its key
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def load_signer(path: Path, *, create: bool) -> Signer:
    """The key at `path`; created there first when absent and `create` is set."""
    if create and not path.exists():
        _create(path)
        log.info("signing_key_created", path=str(path))
    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise SigningKeyError(f"no signing key at {path} (LEXTIME_SIGNING_KEY_FILE)") from None
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyError(f"cannot read the signing key at {path}: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"the signing key at {path} is not an Ed25519 key")
    signer = Signer(key)
    log.info("signing_key_loaded", path=str(path), key_id=signer.key_id)
    return signer


def load_public_key(path: Path) -> str:
    """The base64 raw public key in a PEM file holding a public key or an Ed25519 private key."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"cannot read {path}: {exc}") from None
    public: object
    try:
        public = load_pem_public_key(data)
    except ValueError:
        try:
            private = load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise SigningKeyError(f"{path} holds no PEM public or private key") from None
        public = private.public_key()
    if not isinstance(public, Ed25519PublicKey):
        raise SigningKeyError(f"the key in {path} is not an Ed25519 key")
    return b64(public.public_bytes(Encoding.Raw, PublicFormat.Raw))
