"""argon2id hashing, run in a worker thread so a login never stalls the event loop; and the strength rule
for every password a person sets."""

import asyncio
import re
from collections.abc import Iterable
from functools import lru_cache

from passlib.context import CryptContext
from zxcvbn import zxcvbn

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
# zxcvbn's 0–4 scale: 3 is its "safely unguessable" (about 10^8 guesses or more), out of reach of online
# guessing even from many addresses, which throttling cannot fully stop.
MIN_PASSWORD_SCORE = 3
# zxcvbn refuses longer input because its matching slows down sharply; the first 72 characters decide.
_ZXCVBN_MAX_LENGTH = 72

# Why a password is refused, from zxcvbn's matches. Its own feedback is English prose, so it is mapped to
# our messages instead of being shown or passed through gettext.
_PATTERN_REASONS = {"spatial": "keyboard", "repeat": "repeat", "sequence": "repeat", "date": "date", "regex": "date"}
# When two matches are as long, the more telling reason is named.
_REASON_ORDER = ["user_inputs", "common", "keyboard", "repeat", "date", "words"]


def password_weakness(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """None when the password may be used; otherwise why not: "short", or the main weakness zxcvbn found
    ("user_inputs", "common", "keyboard", "repeat", "date", "words", "guessable")."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "short"
    # "zhang.wei" also as "zhangwei", "zhang" and "wei": zxcvbn matches whole inputs only.
    inputs = {
        part
        for value in user_inputs
        for part in [value, re.sub(r"[\W_]+", "", value), *re.split(r"[\W_]+", value)]
        if len(part) >= 3
    }
    # Synchronous on purpose: zxcvbn keeps the user inputs in a module-level dictionary, so two calls in
    # worker threads could mix them up; one call takes milliseconds.
    result = zxcvbn(password[:_ZXCVBN_MAX_LENGTH], user_inputs=sorted(inputs))
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    found: list[tuple[int, int, str]] = []
    for match in result["sequence"]:
        if match["pattern"] == "dictionary":
            name = match.get("dictionary_name")
            reason = {"user_inputs": "user_inputs", "passwords": "common"}.get(name, "words")
        else:
            reason = _PATTERN_REASONS.get(match["pattern"])
        if reason:
            found.append((-len(match["token"]), _REASON_ORDER.index(reason), reason))
    return min(found)[2] if found else "guessable"
