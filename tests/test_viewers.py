"""Which editions a browser shows, from the preview server's requests (viewers.py)."""

from __future__ import annotations

import threading

from loseblatt.mkdocs_adapter import viewers as viewers_module
from loseblatt.mkdocs_adapter.viewers import RECENT, Viewers

CODES = ["bund", "bb", "sn"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def answer(environ, start_response):
    start_response("200 OK", [])
    return [environ["PATH_INFO"].encode()]


def request(app, path: str, referer: str = "") -> list[bytes]:
    environ = {"PATH_INFO": path}
    if referer:
        environ["HTTP_REFERER"] = referer
    return app(environ, lambda status, headers: None)


def test_a_page_asked_for_shows_its_edition_for_a_while_and_the_answer_is_the_servers():
    clock = Clock()
    viewers = Viewers("/kbv/", clock)
    app = viewers.wrap(answer)
    assert viewers.shown(CODES) == []
    assert request(app, "/kbv/sn/02-gremiengruendung/blatt-2-3/") == [b"/kbv/sn/02-gremiengruendung/blatt-2-3/"]
    # Not pages, or outside the site: no edition.
    request(app, "/kbv/bb/assets/loseblatt/loseblatt.css")
    request(app, "/kbv/index.html")
    request(app, "/anderswo/bund/")
    assert viewers.shown(CODES) == ["sn"]
    clock.now += RECENT + 1
    assert viewers.shown(CODES) == []


def test_an_edition_is_shown_while_its_page_waits_for_the_reload_signal():
    clock = Clock()
    viewers = Viewers("/", clock)
    waiting, release = threading.Event(), threading.Event()

    def server(environ, start_response):
        if environ["PATH_INFO"].startswith("/livereload/"):
            waiting.set()
            release.wait(10)  # MkDocs answers when the next rebuild is published
        return answer(environ, start_response)

    app = viewers.wrap(server)
    poll = threading.Thread(
        target=request, args=(app, "/livereload/1790000000/17", "http://127.0.0.1:8000/bb/01-grundlagen/blatt-1-1/")
    )
    poll.start()
    try:
        assert waiting.wait(10)
        clock.now += 10 * RECENT  # the page was loaded long ago, but its tab is still open
        assert viewers.shown(CODES) == ["bb"]
        # Order and choice follow the codes asked about.
        request(app, "/bund/")
        assert viewers.shown(CODES) == ["bund", "bb"]
        assert viewers.shown(["sn"]) == []
    finally:
        release.set()
        poll.join()
    clock.now += RECENT + 1
    assert viewers.shown(CODES) == []  # the tab closed: no signal awaited, nothing asked for since


def test_a_reload_signal_without_a_page_of_an_edition_counts_for_none():
    viewers = Viewers("/", Clock())
    app = viewers.wrap(answer)
    request(app, "/livereload/1/2")
    request(app, "/livereload/1/2", "http://127.0.0.1:8000/")
    assert viewers.shown(CODES) == []


def test_a_request_for_a_held_edition_waits_until_it_is_released_and_others_pass(monkeypatch):
    viewers = Viewers("/", Clock())
    app = viewers.wrap(answer)
    viewers.hold(["bund", "bb"])
    answered: list[list[bytes]] = []
    held = threading.Thread(target=lambda: answered.append(request(app, "/bund/01-grundlagen/blatt-1-1/")))
    held.start()
    # Another edition, the chooser and the reload signal of a held edition's page are not held.
    assert request(app, "/sn/") == [b"/sn/"]
    assert request(app, "/index.html") == [b"/index.html"]
    signal = threading.Thread(target=request, args=(app, "/livereload/1/2", "http://127.0.0.1:8000/bund/"))
    signal.start()
    signal.join(5)
    assert not signal.is_alive()
    held.join(0.3)
    assert held.is_alive() and answered == []
    viewers.release(["bund"])
    held.join(5)
    assert answered == [[b"/bund/01-grundlagen/blatt-1-1/"]]
    assert viewers.held() == {"bb"}
    # Never for ever: a rebuild that went wrong lets the request through after a bound.
    monkeypatch.setattr(viewers_module, "HOLD_AT_MOST", 0.2)
    assert request(app, "/bb/") == [b"/bb/"]


def test_a_page_waiting_for_its_held_edition_already_counts_as_shown():
    """A reader switches to an edition that is not swapped in yet and waits. If another edit
    starts a rebuild meanwhile, that rebuild must count the edition as shown, so that it builds
    it first instead of carrying over a copy from before both edits (found in review)."""
    clock = Clock()
    clock.now += 10 * RECENT  # nothing asked for lately
    viewers = Viewers("/", clock)
    app = viewers.wrap(answer)
    viewers.hold(["bb"])
    assert viewers.shown(CODES) == []
    waiting = threading.Thread(target=request, args=(app, "/bb/01-grundlagen/blatt-1-1/"))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive()
    assert viewers.shown(CODES) == ["bb"]  # while it still waits
    viewers.release(["bb"])
    waiting.join(5)
    assert not waiting.is_alive()
