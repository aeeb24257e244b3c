"""Region ancestry on the materialised path: a region's path is its ancestors' codes, each followed by "/"
("32/3201/320102/"), so a subtree is one prefix match and the enclosing regions are the path's prefixes."""


def ancestor_paths(path: str | None) -> list[str]:
    """ "32/3201/" → ["32/", "32/3201/"]: every enclosing region's path, the region's own included."""
    parts = [p for p in (path or "").split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def within(path: str | None, root: str | None) -> bool:
    """Is the region at `path` the region at `root` or below it? (An empty root is nobody's.)"""
    return bool(root) and bool(path) and path.startswith(root)
