"""argon2id hashing, run in a worker thread so a login never stalls the event loop."""

import asyncio
from functools import lru_cache

from passlib.context import CryptContext

from talent.settings import get_settings


@lru_cache
def _context() -> CryptContext:
    s = get_settings()
    return CryptContext(
        schemes=["argon2"],
        argon2__type="ID",
        argon2__time_cost=s.argon2_time_cost,
        argon2__memory_cost=s.argon2_memory_cost,
        argon2__parallelism=s.argon2_parallelism,
    )


def hash_password_sync(password: str) -> str:
    return _context().hash(password)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_context().hash, password)


async def verify_password(password: str, hashed: str | None) -> bool:
    # Verify against a real hash even for unknown users, so timing does not reveal which names exist.
    target = hashed or _dummy_hash()
    ok = await asyncio.to_thread(_context().verify, password, target)
    return ok and hashed is not None


@lru_cache
def _dummy_hash() -> str:
    return _context().hash("not-a-real-password")


MIN_PASSWORD_LENGTH = 10
