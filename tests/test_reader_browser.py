"""The reader's side in a real browser: keyboard (no invisible tab stops), glossary
abbreviations by keyboard and touch, and phones at 360 px (screenshots in the test's folder)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FOCUSED = """() => {
    const e = document.activeElement
    if (!e || e === document.body) return null
    // A visually hidden file input shows its focus on its label (lb-import).
    const shown = e.matches('.lb-import input[type=file]') ? e.closest('label') : e
    const r = shown.getBoundingClientRect(), s = getComputedStyle(shown)
    return {what: e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40),
            visible: r.width >= 2 && r.height >= 2 && s.opacity !== '0' && s.visibility !== 'hidden'}
}"""


def test_every_tab_stop_is_visible(real_site):
    """Tab through whole pages: each element that takes focus can be seen (issue 18: an
    invisible palette radio was a tab stop)."""
    from browser import chromium, serve

    hidden = []
    with serve(real_site) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for rel in ("", "sn/", "sn/08-landesstrategie/blatt-8-1/", "sn/checklisten/register-2/"):
            page.goto(f"{url}/{rel}", wait_until="networkidle")
            stops = 0
            for _ in range(400):
                page.keyboard.press("Tab")
                state = page.evaluate(FOCUSED)
                if state is None:
                    break
                stops += 1
                if not state["visible"]:
                    page.wait_for_timeout(400)  # elements that fade in on focus
                    state = page.evaluate(FOCUSED)
                    if state and not state["visible"]:
                        hidden.append(f"/{rel}: {state['what']}")
            assert stops >= 10, rel
    assert hidden == []


def test_glossary_abbreviations_by_keyboard_and_touch(real_site):
    from browser import chromium, serve

    tip = "abbr.lb-abk >> nth=0 >> .lb-abk-text"
    with serve(real_site) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/sn/08-landesstrategie/blatt-8-1/", wait_until="networkidle")
        first = page.locator("abbr.lb-abk").first
        assert first.get_attribute("tabindex") == "0" and first.get_attribute("title") is None
        # For screen readers the expansion is text of the page, also while it is not shown.
        assert page.locator(tip).text_content() == " (Allianz Sichere Sächsische Kommunen)"
        assert page.locator(tip).bounding_box()["width"] <= 1
        for _ in range(60):  # reach it by keyboard
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.matches('abbr.lb-abk')"):
                break
        else:
            pytest.fail("keine Abkürzung per Tab erreichbar")
        box = page.locator("abbr.lb-abk:focus .lb-abk-text").bounding_box()
        assert box["width"] > 100 and box["height"] > 10
        page.keyboard.press("Escape")  # dismissible (WCAG 1.4.13)
        assert page.locator("abbr.lb-abk:focus .lb-abk-text").bounding_box()["width"] <= 1

        phone = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
        touch = phone.new_page()
        touch.goto(f"{url}/sn/08-landesstrategie/blatt-8-1/", wait_until="networkidle")
        touch.locator("abbr.lb-abk").first.tap()
        box = touch.locator(tip).bounding_box()
        assert box["width"] > 100 and box["x"] >= 0 and box["x"] + box["width"] <= 360
        phone.close()


# Everything visible lies inside the viewport, or inside a box of its own that scrolls
# sideways and itself fits (tables); the document is no wider than the phone.
OUTSIDE = """() => {
    const width = document.documentElement.clientWidth
    const scroller = el => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const o = getComputedStyle(p).overflowX
            if ((o === 'auto' || o === 'scroll') && p.getBoundingClientRect().right <= width + 1) return p
        }
        return null
    }
    const out = []
    for (const el of document.querySelectorAll('.md-header *, .md-content *')) {
        const r = el.getBoundingClientRect(), s = getComputedStyle(el)
        // The closed search dialog waits beside the screen (the theme slides it in).
        if (!r.width || !r.height || s.visibility === 'hidden' || el.closest('.lb-abk-text, .lb-sr, .md-search')) continue
        if ((r.right > width + 1 || r.left < -1) && !scroller(el))
            out.push(el.tagName + '.' + el.getAttribute('class') + ' ' + Math.round(r.left) + '–' + Math.round(r.right))
    }
    return {scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 5)}
}"""

PHONE_PAGES = {
    "auswahl": "",
    "start": "sn/",
    "blatt-lange-woerter": "sn/08-landesstrategie/blatt-8-51/",
    "blatt-mustertext": "sn/02-gremiengruendung/blatt-2-3/",
    "blatt-tabelle": "sn/02-gremiengruendung/blatt-2-1/",
    "checkliste": "sn/checklisten/register-2/",
    "mitmachen-code": "sn/mitmachen/",
}


def test_phone_360(real_site, tmp_path):
    from browser import chromium, serve

    problems = []
    with serve(real_site) as url, chromium() as browser:
        context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
        page = context.new_page()
        for name, rel in PHONE_PAGES.items():
            page.goto(f"{url}/{rel}", wait_until="networkidle")
            page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
            state = page.evaluate(OUTSIDE)
            if state["scrollWidth"] > state["width"] or state["out"]:
                problems.append(f"/{rel}: {state}")
            if page.locator(".md-version").count():
                button = page.locator(".md-version__current")
                box = button.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (rel, box)
                button.click()
                page.locator(".md-version__list").wait_for(state="visible")
                page.wait_for_timeout(300)
                page.screenshot(path=str(tmp_path / f"{name}-wechsler.png"))
                for link in page.locator(".md-version__link").all():
                    lb = link.bounding_box()
                    assert lb["x"] >= 0 and lb["x"] + lb["width"] <= 360, (rel, link.text_content(), lb)
        # The long sheet titles fit: no title wider than its column.
        page.goto(f"{url}/sn/08-landesstrategie/blatt-8-51/", wait_until="networkidle")
        assert page.evaluate("() => { const h = document.querySelector('h1'); return h.scrollWidth <= h.clientWidth }")
        context.close()
    assert problems == [], "\n".join(problems)
    assert len(list(tmp_path.glob("*.png"))) >= len(PHONE_PAGES)
