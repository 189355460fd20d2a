// Progressive enhancement only: every control also works with its Show / Verify button.
document.addEventListener("DOMContentLoaded", () => {
  for (const control of document.querySelectorAll("[data-autosubmit]")) {
    control.addEventListener("change", () => control.form.requestSubmit());
  }
});
