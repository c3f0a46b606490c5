"""Finished HTML of pages, shared by all editions and reused across builds.

Material's page template (navigation, header, table of contents) is most of an edition's build
time, and most of it is the same in every edition: a base sheet without variables reads the
same in bund and in sn, sits in the same navigation group and has the same neighbours. Pages
are therefore rendered edition-neutral: the site's name and address appear as placeholders
(NAME, URL) that are replaced with the edition's own when the page is written. A page whose
neutral key matches one rendered before (by another edition, or by an earlier build) is
taken from the cache instead of being rendered.

The key covers everything the template shows: the page itself (HTML, title, table of
contents, meta, URLs, neighbours), the part of the navigation that Material draws on this page
(with `navigation.prune`: the items on the way to the page with their siblings, and the link
of every collapsed section; otherwise the whole navigation), the configuration, the theme and
the build date. Tests compare cached builds with uncached ones byte for byte.

MkDocs picks a page's template before plugins see its context, so pages get a small template
of ours (TEMPLATE) that either prints the cached HTML or includes the theme's main.html.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from mkdocs.structure.files import File, Files, InclusionLevel

from ..caching import PACKAGE, CacheFolder, cache_key, content_hash, file_state, project_files_fingerprint
from .theme_view import installed, shown_folder

TEMPLATE = "loseblatt-seite.html"
TEMPLATE_SOURCE = (
    '{% if loseblatt_seite is defined %}{{ loseblatt_seite }}{% else %}{% include "main.html" %}{% endif %}'
)
CONTEXT_KEY = "loseblatt_seite"
# Private-use characters: they cannot come from content by accident.
NAME = "\ue000loseblatt-name\ue001"
URL = "https://loseblatt.invalid/\ue000url\ue001/"
# site_name and site_url are edition-specific and stand in the page as placeholders.
CONFIG_KEYS = (
    "site_description",
    "site_author",
    "copyright",
    "repo_url",
    "repo_name",
    "edit_uri",
    "use_directory_urls",
    "extra_css",
    "extra_javascript",
    "extra_templates",
)
EDITION_EXTRA = ("ausgabe",)  # extra values of ours that no template shows
PRUNE_SAFE = {"navigation.prune"}
PRUNE_UNSAFE = {"navigation.tabs", "navigation.sections", "navigation.expand"}


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def site_fingerprint(config, project_root: Path, epoch: str | None) -> str | None:
    """Everything besides the page and the navigation that the template renders; None when the
    output depends on the time of the build (no SOURCE_DATE_EPOCH), so nothing can be reused.
    Installed themes count by their version and our templates by our code (both in every key);
    any other theme folder by its files' contents, named relative to the project."""
    if not epoch:
        return None
    theme = config.theme
    custom = [
        Path(folder)
        for folder in map(shown_folder, theme.dirs)
        if not installed(folder) and PACKAGE not in Path(folder).resolve().parents
    ]
    extra = {k: v for k, v in dict(config.extra).items() if k not in EDITION_EXTRA}
    return cache_key(
        "seite",
        {
            "epoch": epoch,
            "theme": {"name": theme.name, "vars": {k: v for k, v in dict(theme).items() if k != "custom_dir"}},
            "custom": project_files_fingerprint(custom, project_root),
            "config": {k: config.get(k) for k in CONFIG_KEYS},
            "extra": extra,
            "plugins": list(config.plugins),
        },
    )


def can_share_navigation(features) -> bool:
    """Whether nav_view describes what Material draws; otherwise the whole navigation counts."""
    features = set(features or ())
    return features >= PRUNE_SAFE and not (PRUNE_UNSAFE & features)


def _children(item) -> list:
    return list(getattr(item, "children", None) or [])


def _meta(item) -> list:
    meta = getattr(item, "meta", None) or {}
    return [meta.get(k) for k in ("icon", "subtitle", "status")]


def _leaf(item, page) -> list:
    return [
        type(item).__name__,
        item.title,
        getattr(item, "url", None),
        getattr(item, "is_index", False),
        item is page,
        bool(getattr(item, "active", False)),
        _meta(item),
    ]


def _first_page(section):
    """The page a pruned section links to: the first along its first children (Material's
    render_pruned); None in an empty section."""
    item = section
    while True:
        kids = _children(item)
        first = kids[0] if kids else None
        if first is not None and _children(first):
            item = first
            continue
        return first


def _collapsed(section) -> list:
    """What a pruned section shows: its title and a link to its first page."""
    first = _first_page(section)
    return ["collapsed", section.title, _leaf(first, None) if first is not None else None]


def nav_view(items, page) -> list:
    """The navigation as Material draws it on `page` with navigation.prune: sections on the way
    to the page open with all their items, every other section collapsed."""
    out = []
    for item in items:
        kids = _children(item)
        if not kids:
            out.append(_leaf(item, page))
        elif getattr(item, "active", False):
            out.append(["open", item.title, nav_view(kids, page)])
        else:
            out.append(_collapsed(item))
    return out


class NavText:
    """`_json(nav_view(items, page))` for the pages of one build, with each item's fixed parts
    (type, title, address, meta) serialised once: at 1,000 sheets, serialising the whole view
    for each of a thousand pages was half of looking the pages up. Only `item is page` and
    `active` change from page to page. Items are known by id(): they live as long as the build."""

    def __init__(self) -> None:
        self._fixed: dict[int, tuple[str, str]] = {}
        self._titles: dict[int, str] = {}
        self._shut: dict[int, str] = {}

    def _leaf(self, item, page) -> str:
        fixed = self._fixed.get(id(item))
        if fixed is None:
            head = _json(
                [type(item).__name__, item.title, getattr(item, "url", None), getattr(item, "is_index", False)]
            )
            fixed = self._fixed[id(item)] = (head[1:-1], _json(_meta(item)))
        here = "true" if item is page else "false"  # JSON's spelling, without a json.dumps per item
        active = "true" if getattr(item, "active", False) else "false"
        return f"[{fixed[0]}, {here}, {active}, {fixed[1]}]"

    def _title(self, section) -> str:
        title = self._titles.get(id(section))
        if title is None:
            title = self._titles[id(section)] = _json(section.title)
        return title

    def _collapsed(self, section) -> str:
        # Nothing in a collapsed section is active (activity runs up from the page), so its
        # text is the same on every page that shows it collapsed.
        text = self._shut.get(id(section))
        if text is None:
            first = _first_page(section)
            shown = self._leaf(first, None) if first is not None else "null"
            text = self._shut[id(section)] = f'["collapsed", {self._title(section)}, {shown}]'
        return text

    def view(self, items, page) -> str:
        out = []
        for item in items:
            kids = _children(item)
            if not kids:
                out.append(self._leaf(item, page))
            elif getattr(item, "active", False):
                out.append(f'["open", {self._title(item)}, {self.view(kids, page)}]')
            else:
                out.append(self._collapsed(item))
        return "[" + ", ".join(out) + "]"


def _nav_full(items) -> list:
    return [[type(i).__name__, i.title, getattr(i, "url", None), _nav_full(_children(i))] for i in items]


def _toc(items) -> list:
    return [[i.title, i.id, i.level, _toc(i.children)] for i in items]


def _neighbour(page) -> list | None:
    return None if page is None else [page.title, page.url]


def page_key(site: str, nav_part: str, page) -> str:
    h = hashlib.sha256(site.encode())
    h.update(nav_part.encode())
    for part in (
        page.file.src_uri,
        page.url,
        page.canonical_url,
        page.edit_url,
        page.title,
        _json(page.meta),
        _json(_toc(page.toc or [])),
        _json([_neighbour(page.previous_page), _neighbour(page.next_page)]),
        _json([a.title for a in page.ancestors]),
    ):
        h.update(str(part).encode() + b"\0")
    h.update((page.content or "").encode())
    return h.hexdigest()


def fillable(site_name: str, site_url: str | None) -> bool:
    """Whether a placeholder can stand for these values: the theme escapes the name in some
    places and not in others, so a name that escaping would change must be rendered as is."""
    import html

    return all(html.escape(v, quote=True) == v for v in (site_name, site_url or ""))


class Placeholders:
    """The edition's own name and address in place of NAME and URL."""

    def __init__(self, site_name: str, site_url: str | None):
        self.site_name = site_name
        self.site_url = site_url

    def neutral_url(self, url: str | None) -> str | None:
        if url and self.site_url and url.startswith(self.site_url):
            return URL + url[len(self.site_url) :]
        return url

    def values(self) -> list[str | None]:
        return [self.site_name, self.site_url]

    def fill(self, html: str) -> str:
        html = html.replace(NAME, self.site_name)
        if self.site_url:
            html = html.replace(URL, self.site_url)
        return html


class PageCache:
    """Neutral page HTML by key, in one folder for all editions (caching.py's rule)."""

    def __init__(self, folder: Path):
        self.store = CacheFolder(folder)

    def get(self, key: str) -> str | None:
        data = self.store.read(key, ".html")
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def put(self, key: str, html: str) -> None:
        self.store.write(key, ".html", html.encode("utf-8"))


class KeptPages:
    """The pages of the edition's last MkDocs output (edition_outputs.py), by key: a page whose
    key is the same now has the same bytes, so it is linked from there instead of being read
    from the cache, filled and written (at 1,000 sheets most of a rebuild's page loop). Only
    when the edition's name and address, which fill the placeholders, are the same too, and
    the kept file is still the one written then (size and modification time, as the listing
    says; any rewrite of it changes them)."""

    def __init__(self, folder: Path, pages: dict[str, list], site_dir: str):
        self.folder, self.pages, self.site_dir = os.fspath(folder), pages, site_dir

    @classmethod
    def of(cls, kept: tuple[Path, dict] | None, placeholders: Placeholders, site_dir: str) -> KeptPages | None:
        if kept is None:
            return None
        folder, listing = kept
        pages = listing.get("seiten")
        if listing.get("fuellung") != placeholders.values() or not isinstance(pages, dict):
            return None
        return cls(folder, pages, site_dir)

    def link(self, dest_uri: str, key: str) -> bool:
        """Link the page's kept file into the site if its key is the one it was written under."""
        listed = self.pages.get(dest_uri)
        if not listed or listed[0] != key:
            return False
        source, target = os.path.join(self.folder, dest_uri), os.path.join(self.site_dir, dest_uri)
        try:
            if file_state(source) != listed[1:]:
                return False
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.link(source, target)
        except OSError:  # gone from the kept output, another file system: written as usual
            return False
        return True


class SharedPages:
    """One edition build's use of the cache: look a page up before the theme renders it, store
    and fill it afterwards."""

    def __init__(self, cache: PageCache, site: str, placeholders: Placeholders, share_navigation: bool):
        self.cache, self.site, self.placeholders = cache, site, placeholders
        self.share_navigation = share_navigation
        self.full_nav: str | None = None
        self.nav_text = NavText()
        self.keys: dict[str, str] = {}  # src_uri -> key of the page
        self.dest: dict[str, str] = {}  # src_uri -> its file in the site
        self.hits: dict[str, str] = {}  # src_uri -> cached neutral HTML
        self.real_canonical: dict[str, str | None] = {}
        self.rendered: list[str] = []  # src_uri of pages the theme rendered
        self.kept: KeptPages | None = None  # the edition's last output
        self.linked: set[str] = set()  # src_uri of pages linked from there
        self.static = StaticLinks()

    @classmethod
    def for_build(cls, config, folder: Path, project_root: Path, epoch: str | None) -> SharedPages | None:
        """None when pages cannot be shared (no fixed build date, a name the theme escapes).
        Otherwise the site's name becomes a placeholder for every page and theme template."""
        if not fillable(config.site_name, config.site_url):
            return None
        site = site_fingerprint(config, project_root, epoch)
        if site is None:
            return None
        shared = cls(
            PageCache(folder),
            site,
            Placeholders(config.site_name, config.site_url),
            can_share_navigation(config.theme.get("features")),
        )
        config.site_name = NAME
        return shared

    def lookup(self, page, nav) -> str | None:
        """Key the page (its address neutral from now on); its earlier HTML if there is one."""
        uri = page.file.src_uri
        self.real_canonical[uri] = page.canonical_url
        page.canonical_url = self.placeholders.neutral_url(page.canonical_url)
        if self.share_navigation:
            # The same text as _json([nav_view(nav.items, page), homepage]) (test_page_cache).
            homepage = _json(nav.homepage and nav.homepage.url)
            nav_part = f"[{self.nav_text.view(nav.items, page)}, {homepage}]"
        else:
            if self.full_nav is None:  # all pages are read by now, titles included
                self.full_nav = _json(_nav_full(nav.items))
            nav_part = self.full_nav
        key = self.keys[uri] = page_key(self.site, nav_part, page)
        self.dest[uri] = page.file.dest_uri
        if self.kept is not None and self.kept.link(page.file.dest_uri, key):
            self.linked.add(uri)
            return ""  # nothing to render; written() leaves the linked file alone
        html = self.cache.get(key)
        if html is not None:
            self.hits[uri] = html
        return html

    def written(self, page, neutral_output) -> str:
        """The page as this edition writes it; `neutral_output` is called only if it was not
        taken from the cache, and what it returns is stored. Empty for a page linked from the
        kept output: MkDocs writes no file for empty output."""
        uri = page.file.src_uri
        page.canonical_url = self.real_canonical.pop(uri, page.canonical_url)
        if uri in self.linked:
            return ""
        html = self.hits.pop(uri, None)
        if html is None:
            html = neutral_output()
            self.cache.put(self.keys[uri], html)
            self.rendered.append(uri)
        return self.placeholders.fill(html)

    def link_static(self, file: File) -> bool:
        return self.static.link(file, self.kept)

    def record(self, edition: str) -> None:
        self.cache.store.record(edition, set(self.keys.values()))

    def listing(self, site_dir: str) -> dict:
        """The pages this build wrote or linked into `site_dir`, by key and file state, for
        KeptPages in the next build (the kept output links the same files)."""
        pages = _states(site_dir, {self.dest[uri]: key for uri, key in self.keys.items() if uri in self.dest})
        pages.update(self.static.listing(site_dir))
        return {"fuellung": self.placeholders.values(), "seiten": pages}


def _states(site_dir: str, keys: dict[str, str]) -> dict[str, list]:
    """{file in `site_dir`: [its key, its state]} for KeptPages; files not written are left out
    (a page with empty output, a file a later step removed)."""
    out = {}
    for dest, key in keys.items():
        try:
            out[dest] = [key, *file_state(os.path.join(site_dir, dest))]
        except OSError:
            continue
    return out


class StaticLinks:
    """Static files (theme and our assets, fonts, images, template files) linked from a site's
    last output when their bytes are the ones kept there: MkDocs copies or writes every one of
    them in every build. Keyed by the bytes, not the source's size and time, which a checkout
    or an upgrade may leave as they were; the kept file must still be the one written then."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}  # dest_uri -> key
        self.linked = 0

    def link(self, file: File, kept: KeptPages | None) -> bool:
        key = self.keys[file.dest_uri] = "datei " + content_hash(file.content_bytes)
        if kept is None or not kept.link(file.dest_uri, key):
            return False
        self.linked += 1
        return True

    def listing(self, site_dir: str) -> dict[str, list]:
        """The static files this build wrote or linked into `site_dir`, for KeptPages."""
        return _states(site_dir, self.keys)


class LinkedStaticFiles(Files):
    """A site's files whose static files `link` tries to link from its last output first (see
    StaticLinks); the others are copied as MkDocs does."""

    def __init__(self, files: list[File], link: Callable[[File], bool]):
        super().__init__(files)
        self.link = link

    def copy_static_files(self, dirty: bool = False, *, inclusion=InclusionLevel.is_included) -> None:
        for file in self:
            if not file.is_documentation_page() and inclusion(file.inclusion) and not self.link(file):
                file.copy_file(dirty)
