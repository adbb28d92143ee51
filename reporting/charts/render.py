"""Vega-Lite to SVG and PNG with vl-convert (offline: the converter embeds its own engine), cached
by the hash of the spec so a warm dashboard does not render again.

Measured on the 2-core dev machine: the first conversion in a process costs ~1.4 s (the engine
starts), then 0.1 to 0.2 s a chart; a cached chart costs the JSON hash, well under a millisecond.
The cache has two levels: an LRU of rendered text in each process, and behind it Django's cache,
shared by every gunicorn worker where `CACHE_URL` names a shared cache (Redis in production), so
a chart is drawn once per deployment, not once per worker. The same spec gives the same picture,
so nothing needs invalidating; new data means a new key. The key is the hash of the chart's inputs
(kind, rows, fields, unit, labels): the spec is a pure function of them, and hashing the inputs
spares building the spec on a hit (a deploy restarts the processes, so code changes need no key).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from html import escape

import vl_convert
from django.core.cache import cache as shared_cache

from reporting.charts.theme import INK, PRINT_INK, vega_config

logger = logging.getLogger(__name__)


class RenderCache:
    """A small thread-safe LRU: key -> rendered SVG text or PNG bytes."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, str | bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: str, render):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = shared_cache.get(SHARED_PREFIX + key)  # rendered by another worker
        if value is None:
            value = render()
            shared_cache.set(SHARED_PREFIX + key, value, SHARED_SECONDS)
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


CACHE = RenderCache(size=512)
SHARED_PREFIX = "reporting:chart:"
SHARED_SECONDS = 24 * 3600  # keys are content hashes: this only bounds memory


def warm_up() -> None:
    """Start the converter's engine (~1.4 s the first time in a process), so that the first
    page a worker serves does not pay it: called by gunicorn after forking each worker."""
    vl_convert.vegalite_to_svg(
        {"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x"}}}
    )


def content_key(*parts) -> str:
    """The hash of everything a picture depends on (JSON-able parts; dates and decimals as text)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def render_svg(key: str, spec: Callable[[], dict], *, title: str, description: str) -> str:
    """The chart as an inline SVG in the page's colours, with a title and description for
    screen readers. `spec` is called only on a cache miss: building and validating the spec
    costs 20 to 150 ms, as much as a conversion."""
    return CACHE.get_or_render("svg" + key, lambda: _svg(spec(), key[:12], title, description))


def render_png(key: str, spec: Callable[[], dict], *, scale: float = 2.0) -> bytes:
    """The chart as a PNG on white, for PDFs."""
    return CACHE.get_or_render(f"png{scale}{key}", lambda: _png(spec(), scale))


def _svg(spec: dict, ref: str, title: str, description: str) -> str:
    svg = _timed("svg", vl_convert.vegalite_to_svg, {**spec, "config": vega_config(ink=INK)})
    svg = re.sub(re.escape(INK), "currentColor", svg, flags=re.IGNORECASE)
    svg = _own_ids(svg, ref)
    labels = (
        f'<title id="chart-{ref}-title">{escape(title)}</title>'
        f'<desc id="chart-{ref}-desc">{escape(description)}</desc>'
    )
    opening = f'<svg role="img" aria-labelledby="chart-{ref}-title chart-{ref}-desc" '
    head, rest = svg.split("<svg ", 1)
    tag_end = rest.index(">") + 1
    return head + opening + rest[:tag_end] + labels + rest[tag_end:]


def _own_ids(svg: str, ref: str) -> str:
    """Vega numbers its gradients and clip paths from 0 in every SVG; inline on one page, two
    charts would share `gradient_0`. Each chart's ids get its own prefix."""
    svg = re.sub(r'\bid="([^"]+)"', rf'id="c{ref}-\1"', svg)
    return re.sub(r"url\(#([^)]+)\)", rf"url(#c{ref}-\1)", svg)


def _png(spec: dict, scale: float) -> bytes:
    spec = json.loads(json.dumps(spec).replace(INK, PRINT_INK))  # rules drawn in INK, e.g. "today"
    config = {**vega_config(ink=PRINT_INK), "background": "#ffffff"}
    return _timed("png", vl_convert.vegalite_to_png, {**spec, "config": config}, scale=scale)


def _timed(kind: str, convert, spec: dict, **options):
    started = time.perf_counter()
    result = convert(spec, **options)
    logger.debug("Rendered a %s chart in %.0f ms", kind, (time.perf_counter() - started) * 1000)
    return result
