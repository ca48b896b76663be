"""The one way pages show an uploaded image: <picture> with its renditions."""

from django import template

from core import renditions
from core.links import absolute_url

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def picture(field_file, alt, *, sizes, css_class="", eager=False):
    """Render *field_file*'s image with its renditions, width and height.

    *sizes* is the image's width in the layout (the sizes attribute). Only
    an *eager* image (above the fold) loads at once, first; the others load
    as they come near the viewport. An image whose size is not recorded
    shows the original alone.
    """
    context = {"alt": alt, "sizes": sizes, "css_class": css_class, "eager": eager}
    if not field_file:
        return context
    size = renditions.recorded_size(field_file)
    candidates = renditions.srcset_candidates(field_file.name, size) if size else {}
    if not candidates:
        return {**context, "src": field_file.url}
    storage = field_file.storage
    own, *webp = candidates.values()  # the original's format first, then WebP
    src = next((r for r in own if r.width >= renditions.SRC_WIDTH), own[-1])
    return {
        **context,
        "src": storage.url(src.name),
        "width": src.width,
        "height": src.height,
        "srcset": _srcset(storage, own),
        "webp_srcset": _srcset(storage, webp[0]) if webp else "",
    }


def _srcset(storage, candidates):
    return ", ".join(f"{storage.url(r.name)} {r.width}w" for r in candidates)


@register.simple_tag
def open_graph_image(field_file):
    """Return the absolute url, width and height of *field_file*'s share image.

    Its Open Graph card where it has one, else the original without a size;
    an empty dict without an image.
    """
    if not field_file:
        return {}
    card = renditions.card_of(field_file)
    if card is None:
        return {"url": absolute_url(field_file.url)}
    return {
        "url": absolute_url(field_file.storage.url(card.name)),
        "width": card.width,
        "height": card.height,
    }
