"""Choosing people in a picker as a person does: type the start of a name, tap the match."""

import re

from playwright.sync_api import expect


def picker_box(page, label):
    """The box a picker's label names (Tom Select moves the label onto it), crispy's asterisk or not."""
    return page.get_by_role("combobox", name=re.compile(rf"^{re.escape(label)}\*?$"))


def pick(page, label, *names, letters=3):
    """Types the first `letters` of each name into the picker and chooses the person offered."""
    box = picker_box(page, label)
    wrapper = page.locator(".ts-wrapper").filter(has=box)
    for name in names:
        # A single picker showing its choice hides the box until its control is tapped.
        wrapper.locator(".ts-control").click()
        box.press_sequentially(name[:letters])
        # This picker's own list: another picker on the page may still offer the same person.
        wrapper.locator(".ts-dropdown").get_by_role("option", name=name, exact=True).click()
        expect(wrapper.locator(".item").filter(has_text=name)).to_have_count(1)
    box.press("Escape")
