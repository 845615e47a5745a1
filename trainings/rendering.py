"""Lesson text: Markdown rendered to HTML, then sanitised with nh3 (an allow-list).

Staff write Markdown in the admin; whatever they paste, the page gets only the tags and
attributes below. Images must come from the portal itself (a path starting with ``/``),
so no lesson makes the trainee's browser contact another site. ``static:path`` in an
image or link target points at a file under static/ (the seeded material uses it).
"""

import re

import markdown
import nh3
from django.templatetags.static import static
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "ul", "ol", "li", "a", "img",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "kbd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}, "th": {"scope"}}
STATIC_REF = re.compile(r"\]\(static:([A-Za-z0-9_./-]+)")
HEADING = re.compile(r"<(/?)h([1-5])>")


def _only_local_images(tag, attribute, value):
    if tag == "img" and attribute == "src" and not (value.startswith("/") and not value.startswith("//")):
        return None
    return value


def render_lesson_markdown(text: str) -> str:
    """Safe HTML for a lesson body. Headings are h2–h4 (the page's h1 is the lesson title)."""
    text = STATIC_REF.sub(lambda m: "](" + static(m.group(1)), text or "")
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    html = HEADING.sub(lambda m: f"<{m.group(1)}h{min(max(int(m.group(2)), 2), 4)}>", html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_local_images,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
