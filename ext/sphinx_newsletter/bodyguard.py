"""The doctree of every post page, checked against :mod:`.uripolicy` (Sphinx glue).

Whatever the Markdown said, what Sphinx acts on is the doctree: an image
node's ``uri`` and ``candidates`` decide which files are copied into
``_images/``, a download reference's target which files land in
``_downloads/``, a reference's ``refuri`` where a reader is sent. So every
node of a post page that carries an address (``refuri``, ``uri``,
``candidates``, download targets, ``target`` nodes; sphinx-design's cards and
buttons make the same nodes) is checked here, three times:

1. :class:`PostUriPolicy`, a transform run while the page is read, before
   Sphinx's collectors fill ``env.images`` and ``env.dlfiles`` at
   ``doctree-read``;
2. :func:`doctree_read` (late): any ``env.images``/``env.dlfiles`` entry of a
   post page whose file is not inside the mirrored images folder is dropped,
   with the node that asked for it;
3. :func:`doctree_resolved`: the final doctree, for references made late
   (resolved cross-references, intersphinx).

Anything not allowed is removed (a link keeps its text, an image its alt
text) with a warning at the post file's line, unless :mod:`.bodyscan` already
reported that address (the build printed it from the scan, as ``check`` does).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

from .core.paths import inside
from .core.uripolicy import SCHEME, external_url, local_image
from .domain import get_domain
from .events import AFTER_COLLECTORS

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .core.model import Post

#: ``env.temp_data`` key: addresses the scan of the page being read already reported.
REPORTED = "newsletter_refused"


class PostUriPolicy(SphinxTransform):
    """Check every address in a post page while it is read (before ``doctree-read``, 880)."""

    default_priority = 870

    def apply(self, **kwargs: Any) -> None:
        post = guarded_post(self.env, self.env.docname)
        if post is not None:
            reported: set[str] = self.env.temp_data.get(REPORTED) or set()
            Guard(self.env, post, reported).run(self.document)


def doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """After the collectors: no image or download of a post page from outside the mirror."""
    env = app.env
    docname = env.docname
    post = guarded_post(env, docname)
    if post is None:
        return
    guard = Guard(env, post, set())
    for node in list(doctree.findall(nodes.image)):
        candidates: dict[str, str] = node.get("candidates", {})
        bad = [c for k, c in candidates.items() if k != "?" and not guard.mirrored(c)]
        if bad:
            guard.warn(node, f"image {bad[0]!r} removed: it is not inside the images folder", "body-image", "")
            target = node.parent if _wraps_block(node.parent) else node
            guard.replace(target, nodes.inline(node.get("alt", ""), node.get("alt", "")), "", "")
    for download in list(doctree.findall(addnodes.download_reference)):
        guard.remove(download, f"link to a local file {download.get('reftarget', '')!r} removed", "body-link")
    stores: tuple[Any, ...] = (env.images, env.dlfiles)  # filename -> (docnames, unique name)
    for store in stores:
        for filename, (docs, unique) in list(store.items()):
            if docname in docs and not guard.mirrored(filename):
                docs.discard(docname)
                if not docs:
                    del store[filename]
                    getattr(store, "_existing", set()).discard(unique)


def doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The final doctree: references resolved late are checked too."""
    post = guarded_post(app.env, docname)
    if post is not None:
        Guard(app.env, post, set()).run(doctree)


def guarded_post(env: BuildEnvironment, docname: str) -> Post | None:
    """The post whose page *docname* is, when its body is untrusted."""
    domain = get_domain(env)
    config = domain.nl_config
    if config is None or config.trust_bodies:
        return None
    return domain.post_at(docname)


class Guard:
    """The policy applied to one post page's doctree."""

    def __init__(self, env: BuildEnvironment, post: Post, reported: set[str]) -> None:
        domain = get_domain(env)
        config = domain.nl_config
        assert config is not None  # only a configured build guards post pages
        self.images, self.known = domain.nl_images, domain.nl_mirrored if domain.nl_mirrored is not None else {}
        self.post, self.reported = post, reported
        self.srcdir = Path(env.srcdir)
        self.layout, self.images_dir, self.settings = config.layout, config.images_dir, config.settings
        self.mirror = self.srcdir / self.layout.mirror

    def run(self, document: nodes.document) -> None:
        stack: list[nodes.Node] = list(reversed(document.children))
        while stack:
            node = stack.pop()
            if isinstance(node, nodes.Element) and not self.check(node):
                stack.extend(reversed(node.children))

    def check(self, node: nodes.Element) -> bool:
        """Apply the policy to *node*; True when it was removed or replaced (skip its children)."""
        if isinstance(node, nodes.raw):
            text = node.astext()
            return self.replace(node, nodes.literal_block(text, text), "raw content shown as text", "body-raw")
        if hasattr(nodes, "meta") and isinstance(node, nodes.meta):
            return self.remove(node, "meta tags are not allowed in a post", "body-directive")
        if isinstance(node, addnodes.download_reference):
            target = node.get("reftarget", "")
            return self.replace(
                node,
                nodes.inline(node.astext(), node.astext()),
                f"link to a local file {target!r} removed",
                "body-link",
                target,
            )
        if isinstance(node, nodes.image):
            return self.image(node)
        if "refuri" in node.attributes:
            return self.link(node)
        if "uri" in node.attributes or "candidates" in node.attributes:
            return self.remove(node, f"{node.tagname} with an address removed", "body-link", node.get("uri", ""))
        return False

    def link(self, node: nodes.Element) -> bool:
        uri = node["refuri"]
        if node.get("internal") or uri.startswith("#"):
            return False
        url, why = external_url(uri)
        if url is not None:
            node["refuri"] = url
            return False
        message = f"link {uri!r} removed: it {why}"
        if isinstance(node, nodes.target):
            del node["refuri"]
            self.warn(node, message, "body-link", uri)
            return False
        if _wraps_block(node):  # an image's :target: or a card's link: keep what it wraps, checked next
            self.warn(node, message, "body-link", uri)
            node.replace_self(node.children[:])
            return False
        return self.replace(node, nodes.inline(node.astext(), node.astext()), message, "body-link", uri)

    def image(self, node: nodes.image) -> bool:
        uri = node.get("uri", "")
        if SCHEME.match(uri.strip()):
            url, why = external_url(uri)
            if url is not None:
                node["uri"] = url
                if "candidates" in node:
                    node["candidates"] = {"?": url}
                return False
        else:
            relative, why = local_image(uri, self.images_dir, self.settings, self.images)
            url = self.layout.image_uri(relative) if relative is not None else None
            if relative is not None and not self.mirrored(self.mirror / relative):
                url, why = None, "is not in the mirrored images folder"
        candidates: dict[str, str] = node.get("candidates", {})
        for key, candidate in candidates.items():
            if url is not None and key != "?" and not self.mirrored(candidate):
                url, why = None, f"has a candidate {candidate!r} outside the images folder"
        if url is None:
            alt = node.get("alt", "")
            # An image inside a block-level link (``:target:``): the writer wants that link to hold an image.
            target = node.parent if _wraps_block(node.parent) else node
            self.warn(node, f"image {uri!r} removed: it {why}", "body-image", uri)
            return self.replace(target, nodes.inline(alt, alt), "", "", "")
        if node["uri"] != url and self.layout.mirrored_path(node["uri"]) is None:
            node["uri"] = url
            node.attributes.pop("candidates", None)  # Sphinx's ImageCollector computes them again
        return False

    def mirrored(self, path: str | Path) -> bool:
        """Whether *path* (relative to the source folder, or absolute) is a file inside the mirror.

        Asked once per path and build: the mirror is written at ``builder-inited``, before any page is read.
        """
        key = str(path)
        found = self.known.get(key)
        if found is None:
            real = inside(self.mirror, self.srcdir / path)
            found = self.known[key] = real is not None and real.is_file()
        return found

    def remove(self, node: nodes.Element, message: str, code: str, uri: str = "") -> bool:
        self.warn(node, message, code, uri)
        if node.parent is not None:
            node.parent.remove(node)
        return True

    def replace(self, node: nodes.Element, new: nodes.Node, message: str, code: str, uri: str = "") -> bool:
        self.warn(node, message, code, uri)
        if node.parent is not None:
            new.line, new.source = line_of(node), node.source
            node.replace_self(new)
        return True

    def warn(self, node: nodes.Node, message: str, code: str, uri: str) -> None:
        if not message or (uri and uri.strip() in self.reported):
            return
        from .locations import warn

        warn(self.post, line_of(node), message, code)


def _wraps_block(node: nodes.Node | None) -> bool:
    """A reference outside running text (it wraps an image: ``:target:``, a card's link)."""
    return isinstance(node, nodes.reference) and not isinstance(node.parent, nodes.TextElement)


def line_of(node: nodes.Node | None) -> int | None:
    while node is not None and node.line is None:
        node = node.parent
    return node.line if node is not None else None


def setup(app: Sphinx) -> None:
    app.add_transform(PostUriPolicy)
    app.connect("doctree-read", doctree_read, priority=AFTER_COLLECTORS)
    app.connect("doctree-resolved", doctree_resolved, priority=AFTER_COLLECTORS)
