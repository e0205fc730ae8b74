// "Add a translation": a copy of the last (empty) translation row with the next number.
// Without JavaScript the form still has two empty rows beyond the statement's own, and
// saving shows two more.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("fieldset.translations button.add-row");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const rows = document.querySelectorAll("fieldset.translations .row.translation");
    const last = rows[rows.length - 1];
    const next = Number(last.dataset.row) + 1;
    const row = last.cloneNode(true);
    row.dataset.row = String(next);
    for (const el of row.querySelectorAll("[name], [id], label[for]")) {
      for (const attr of ["name", "id", "for"]) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/([_-]t?)\d+([_-])/, `$1${next}$2`));
      }
      if (el.tagName === "TEXTAREA" || el.tagName === "INPUT") {
        if (el.type === "checkbox") el.checked = false;
        else el.value = "";
      }
      if (el.tagName === "SELECT") el.selectedIndex = 0;
    }
    const label = row.querySelector("label[for$='-text']");
    if (label) label.textContent = label.textContent.replace(/\d+$/, String(next + 1));
    last.after(row);
    row.querySelector("input, textarea").focus();
  });
});
