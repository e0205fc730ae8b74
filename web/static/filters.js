// Enhancements of the search page's filters. Without JavaScript each still works: the filters
// stay open, every facet value is a link in the "more…" list, and each year is a link.
"use strict";

// A name as typed or as written, compared alike: width, case, spaces, katakana = hiragana.
function fold(text) {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s+/g, "")
    .replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

// On a phone the filters start folded above the results (unless some are in use).
function foldFiltersOnPhones() {
  const box = document.querySelector("details.filters-box");
  if (box && box.dataset.foldOnSmall === "yes" && window.matchMedia("(max-width: 50rem)").matches) {
    box.removeAttribute("open");
  }
}

// A list of names longer than its top ten gets a filter box: type いしば, 石破 or ishiba and only
// the matching values stay, in the top ten and in "more…" alike.
function searchableFacetLists() {
  for (const more of document.querySelectorAll(".facets details.more")) {
    const items = [...more.closest("section").querySelectorAll("li")];
    if (!items.some((li) => li.dataset.names)) continue; // years and kinds: short, not names
    const box = document.createElement("input");
    box.type = "search";
    box.className = "facet-filter";
    box.placeholder = more.dataset.filterLabel;
    box.setAttribute("aria-label", more.dataset.filterLabel);
    more.parentNode.insertBefore(box, more.previousElementSibling);
    box.addEventListener("input", () => {
      const want = fold(box.value);
      for (const li of items) {
        li.hidden = want !== "" && !fold(li.dataset.names || li.textContent).includes(want);
      }
      if (want) more.open = true;
    });
  }
}

// Years narrow by dragging across the histogram: press on one year, release on another, and
// the search is limited to that span. A click on one year is its own link.
function draggableYears() {
  const years = [...document.querySelectorAll(".facets li.year")];
  let start = null;
  const mark = (a, b) => {
    const [lo, hi] = [a.dataset.year, b.dataset.year].sort();
    for (const li of years) li.classList.toggle("in-span", li.dataset.year >= lo && li.dataset.year <= hi);
  };
  for (const li of years) {
    li.addEventListener("dragstart", (e) => e.preventDefault()); // not the link's own drag
    li.addEventListener("pointerdown", (e) => {
      if (e.button === 0 && e.pointerType === "mouse") {
        start = li;
        mark(li, li);
      }
    });
    li.addEventListener("pointerenter", () => start && mark(start, li));
  }
  document.addEventListener("pointerup", (e) => {
    if (!start) return;
    const from = start;
    start = null;
    const to = document.elementFromPoint(e.clientX, e.clientY)?.closest(".facets li.year");
    if (!to || to === from) {
      for (const li of years) li.classList.remove("in-span");
      return; // a click: the link does it
    }
    const [lo, hi] = [from.dataset.year, to.dataset.year].sort();
    const url = new URL(from.querySelector("a").href);
    url.searchParams.set("since", lo);
    url.searchParams.set("until", hi);
    url.searchParams.delete("undated");
    url.searchParams.delete("page");
    window.location.assign(url.toString());
  });
}

document.addEventListener("DOMContentLoaded", () => {
  foldFiltersOnPhones();
  searchableFacetLists();
  draggableYears();
});
