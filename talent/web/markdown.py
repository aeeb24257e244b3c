"""Markdown for course descriptions and lessons: rendered with markdown-it, then sanitised with nh3 (an
allow-list of tags, attributes and URL schemes), so an author cannot inject script into a learner's page."""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "ins",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "sup", "sub", "dl", "dt", "dd", "kbd", "mark", "small",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "linkify": False, "breaks": True}).enable("table")


def render_markdown(text: str | None) -> Markup:
    if not text:
        return Markup("")
    html = _parser().render(text)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    # hx-ignore: should anything ever slip through the sanitiser, htmx still does not act on it (it would send
    # requests with the reader's CSRF header).
    return Markup(f'<div class="md" hx-ignore>{clean}</div>')  # noqa: S704 — sanitised above
