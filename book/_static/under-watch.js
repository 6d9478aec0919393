/* Under Watch: repairs to the theme, for accessibility and for reading offline.
 *
 * pydata-sphinx-theme 0.17 / sphinx-book-theme 1.3 and docutils 0.21 produce a few controls
 * that fail WCAG 2.1 A/AA as axe-core tests them (tests/test_browser.py). Each repair below
 * names the success criterion it meets. Nothing here loads anything or stores anything.
 */
(function () {
  "use strict";

  var MODE_NAMES = { light: "Light", dark: "Dark", auto: "System Settings" };

  // 2.5.3 Label in Name: the search buttons show "Search Ctrl+K" but were named "Search";
  // without the aria-label their visible text becomes their name.
  function nameSearchButtons() {
    document.querySelectorAll(".search-button__button[aria-label]").forEach(function (button) {
      button.removeAttribute("aria-label");
    });
  }

  // 2.5.3 Label in Name: the colour-mode button shows one icon whose title ("Light", "Dark",
  // "System Settings") is its visible text; its name must contain it, and follow each click.
  function nameColorModeButtons() {
    var mode = document.documentElement.dataset.mode || "auto";
    var label = "Color mode: " + (MODE_NAMES[mode] || mode);
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      button.setAttribute("aria-label", label);
    });
  }

  // 4.1.2 Name, Role, Value: the sidebar's expand/collapse toggles are a bare chevron icon.
  function nameSidebarToggles() {
    document.querySelectorAll("nav details > summary").forEach(function (summary) {
      if (summary.textContent.trim() || summary.hasAttribute("aria-label")) return;
      var item = summary.closest("li");
      var link = item && item.querySelector(":scope > a");
      var title = link ? link.textContent.trim() : "this section";
      summary.setAttribute("aria-label", "Show or hide the pages of " + title);
    });
  }

  // 1.3.1 Info and Relationships: docutils puts bibliography entries, with the deprecated
  // role doc-biblioentry, inside role="list"; a list's items must be listitems.
  function fixBibliographyRoles() {
    document.querySelectorAll('[role="list"] > [role="doc-biblioentry"]').forEach(function (entry) {
      entry.setAttribute("role", "listitem");
    });
  }

  // 2.1.1 Keyboard: a code block or output that scrolls sideways must take keyboard focus,
  // or it cannot be scrolled without a mouse. The theme sets this on load and on resize,
  // but not when a dropdown (a solution) opens and its code first takes up room.
  function keepScrollablesFocusable() {
    if (!window.ResizeObserver) return;
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) {
        var box = entry.target;
        box.tabIndex = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight ? 0 : -1;
      });
    });
    document.querySelectorAll("pre, .cell_output > .output, .pst-scrollable-table-container")
      .forEach(function (box) { observer.observe(box); });
  }

  // Offline (file://) the browser refuses the requests Sphinx's search makes to show a
  // snippet of each result; list the results without snippets instead of failing them.
  // (DOCUMENTATION_OPTIONS is a global const, not a property of window.)
  if (location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS === "object") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }

  function repair() {
    nameSearchButtons();
    nameColorModeButtons();
    nameSidebarToggles();
    fixBibliographyRoles();
    keepScrollablesFocusable();
    new MutationObserver(nameColorModeButtons).observe(document.documentElement,
      { attributes: true, attributeFilter: ["data-mode"] });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", repair);
  } else {
    repair();
  }
})();
