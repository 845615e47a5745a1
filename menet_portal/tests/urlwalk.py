"""Every URL pattern of the portal, filled with ids, for the generated scope and CSP tests."""

from django.urls import URLPattern, URLResolver, get_resolver

# Namespaces not walked: Django's admin checks Django's own permissions (menet_portal/tests/test_admin.py).
SKIPPED_NAMESPACES = {"admin"}


def url_patterns():
    """``(route, name, converter names)`` for every named pattern, admin aside."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES or pattern.app_name in SKIPPED_NAMESPACES:
                    continue
                ns = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield prefix + str(pattern.pattern), name, dict(pattern.pattern.converters)

    return list(walk(get_resolver().url_patterns, "", None))


def fill(route: str, values: dict) -> str:
    """The route with each ``<conv:name>`` replaced by ``values[name]``."""
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
