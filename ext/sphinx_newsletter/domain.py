"""The ``nl`` domain: posts, editions and authors as Sphinx objects.

Per-document state (which page holds which object, which page used which part
of the archive) lives in the domain data, with ``clear_doc`` and
``merge_domaindata`` so incremental and parallel builds stay correct. The
archive model itself is loaded fresh at every build (``builder-inited``) and
is held on the domain instance, never pickled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.domains import Domain, ObjType
from sphinx.locale import get_translation
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from .core.dependencies import dependency_fingerprint
from .core.model import Archive

if TYPE_CHECKING:
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from .config import NewsletterConfig
    from .core.baseline import Baseline
    from .core.images import ImageChecks
    from .core.model import Post

_ = get_translation("sphinx_newsletter")

OBJECT_TYPES = ("post", "edition", "author")
#: Browsing pages: linked from generated listings, no short role of their own.
BROWSE_TYPES = ("month", "category")


class NewsletterXRefRole(XRefRole):
    """``{post}`key```: the ``nl`` role under a short, domain-less name."""

    def __init__(self, reftype: str) -> None:
        super().__init__(innernodeclass=nodes.inline, warn_dangling=True)
        self._reftype = reftype

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        self.refdomain, self.reftype = "nl", self._reftype
        self.classes = ["xref", "nl", f"nl-{self._reftype}"]
        return self.create_xref_node()


class NewsletterDomain(Domain):
    name = "nl"
    label = "Newsletter"
    object_types = {
        "post": ObjType(_("post"), "post"),
        "edition": ObjType(_("edition"), "edition"),
        "author": ObjType(_("author"), "author"),
        "month": ObjType(_("month"), "month"),
        "category": ObjType(_("category"), "category"),
    }
    roles = {kind: XRefRole(innernodeclass=nodes.inline, warn_dangling=True) for kind in OBJECT_TYPES + BROWSE_TYPES}
    initial_data = {
        # "type:name" -> (docname, dispname)
        "objects": {},
        # docname -> ["type:name", ...]: so clear_doc costs one page, not the archive
        "doc_objects": {},
        # docname -> [(kind, argument, fingerprint)]: what a page showed of the archive
        "deps": {},
    }
    data_version = 2

    archive: Archive | None = None
    #: A hash of the whole archive (bodies included), for outputs derived from all of it.
    archive_stamp: str = ""
    nl_config: NewsletterConfig | None = None
    #: The baseline of known problems (:mod:`.baseline`), read at every build like the archive.
    nl_baseline: Baseline | None = None
    #: (file, code) -> problems of the posts folder the baseline made known this build.
    baseline_matched: Mapping[tuple[str, str], int] = MappingProxyType({})
    #: Baseline file keys whose entries changed since the last build (their post pages are read again).
    baseline_outdated: frozenset[str] | set[str] = frozenset()
    #: This build's verdicts on images (:class:`.ImageChecks`) and on files in the
    #: mirror (path -> real file inside it): each asked once per build, new at every build.
    nl_images: ImageChecks | None = None
    nl_mirrored: dict[str, bool] | None = None

    @property
    def objects(self) -> dict[str, tuple[str, str]]:
        return self.data.setdefault("objects", {})

    @property
    def doc_objects(self) -> dict[str, list[str]]:
        return self.data.setdefault("doc_objects", {})

    @property
    def deps(self) -> dict[str, list[tuple[str, str, str]]]:
        return self.data.setdefault("deps", {})

    @property
    def baseline_known(self) -> dict[str, list[tuple[str, str, int]]]:
        """docname -> the (file, code, count) its body scan found known in the baseline."""
        return self.data.setdefault("baseline_known", {})

    def note_object(self, kind: str, name: str, dispname: str, docname: str) -> None:
        """Register an object at its generated page (a directive on any other page only shows it)."""
        config = self.nl_config
        if config is not None and not config.layout.generated(docname):
            return
        key = f"{kind}:{name}"
        self.objects[key] = (docname, dispname)
        self.doc_objects.setdefault(docname, []).append(key)

    def post_at(self, docname: str) -> Post | None:
        """The post whose page *docname* is (``None`` for any other page, or before the archive is read)."""
        config = self.nl_config
        return config.layout.post_at(self.archive, docname) if config is not None else None

    def note_dependency(self, docname: str, kind: str, argument: str) -> None:
        """Record that *docname* shows part *kind*/*argument* of the archive."""
        if self.archive is None:
            return
        fingerprint = dependency_fingerprint(self.archive, kind, argument)
        self.deps.setdefault(docname, []).append((kind, argument, fingerprint))

    def outdated(self, archive: Archive) -> set[str]:
        """Pages whose part of the archive changed since they were read."""
        return {
            docname
            for docname, used in self.deps.items()
            if any(dependency_fingerprint(archive, kind, arg) != fp for kind, arg, fp in used)
        }

    def clear_doc(self, docname: str) -> None:
        for key in self.doc_objects.pop(docname, ()):
            if self.objects.get(key, ("",))[0] == docname:
                del self.objects[key]
        self.deps.pop(docname, None)
        self.baseline_known.pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        objects, doc_objects = otherdata.get("objects", {}), otherdata.get("doc_objects", {})
        deps = otherdata.get("deps", {})
        for doc in docnames:
            for key in doc_objects.get(doc, ()):
                if key in objects and objects[key][0] == doc:
                    kind, name = key.split(":", 1)
                    self.note_object(kind, name, objects[key][1], doc)
            if doc in deps:
                self.deps[doc] = deps[doc]
            if doc in otherdata.get("baseline_known", {}):
                self.baseline_known[doc] = otherdata["baseline_known"][doc]

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        # Generated links carry the exact key; hand-written ones may need folding.
        found = self.objects.get(f"{typ}:{target}") or self.objects.get(f"{typ}:{self._normalise(typ, target)}")
        if found is None:
            return None
        docname, dispname = found
        if not node.get("refexplicit"):
            contnode = nodes.inline(dispname, dispname, classes=contnode.get("classes", []))
        return make_refnode(builder, fromdocname, docname, "", contnode, dispname)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        results = []
        for typ in OBJECT_TYPES:
            ref = self.resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
            if ref is not None:
                results.append((f"nl:{typ}", ref))
        return results

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        # Priority -1: in objects.inv (intersphinx), not in the search index. Every
        # object is a whole page that the search already finds by its title and
        # text; as an object too, each post was listed twice in the results.
        for key, (docname, dispname) in sorted(self.objects.items()):
            typ, name = key.split(":", 1)
            yield name, dispname, typ, docname, "", -1

    def get_type_name(self, type: ObjType, primary: bool = False) -> str:
        """The object type in the site's language ("edição"), without Sphinx's "Newsletter " prefix."""
        return str(type.lname)

    @staticmethod
    def _normalise(typ: str, target: str) -> str:
        target = target.strip()
        if typ == "edition":
            return target.lstrip("#").lstrip("0") or "0"
        from .core.model import slugify

        return slugify(target)


def get_domain(env: BuildEnvironment) -> NewsletterDomain:
    return env.get_domain("nl")  # type: ignore[return-value]


def setup(app: Sphinx) -> None:
    app.add_domain(NewsletterDomain)
    for kind in OBJECT_TYPES:  # {nl:post}`x`, and {post}`x` for short
        app.add_role_to_domain("nl", kind, NewsletterXRefRole(kind))
        app.add_role(kind, NewsletterXRefRole(kind))
