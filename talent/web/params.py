"""Typed request parameters shared by routers."""

from typing import Annotated

from fastapi import Path

# Database ids are 32-bit; anything else in a URL is a record that does not exist (404, never 500).
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
