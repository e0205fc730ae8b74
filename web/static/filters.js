// On a phone the filters start folded above the results (unless some are in use), so the
// results come first; without JavaScript they simply stay open.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("details.filters-box");
  if (box && box.dataset.foldOnSmall === "yes" && window.matchMedia("(max-width: 50rem)").matches) {
    box.removeAttribute("open");
  }
});
