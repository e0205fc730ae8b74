// A copy button beside each citation. Without JavaScript there is no button, and the
// citation stays plain selectable text.
document.addEventListener("DOMContentLoaded", () => {
  for (const pre of document.querySelectorAll("pre.citation")) {
    if (!navigator.clipboard) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = pre.dataset.copyLabel || "Copy";
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(pre.textContent);
      button.textContent = pre.dataset.copiedLabel || "Copied";
    });
    pre.after(button);
  }
});
