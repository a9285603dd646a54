// A PDF that is being prepared (templates/portal/pdf_preparing.html, portal.stored_pdfs): ask again every
// few seconds, without reloading the page (a timed reload disturbs screen readers, WCAG 2.2.1), and start
// the download once the PDF is ready, saying so in the page's status message. Progressive enhancement
// only: without this file, the page's link asks again.
const page = document.querySelector("[data-pdf-preparing]");
const LAST_CHECK = 120; // about 10 minutes: then the link is left to the person

if (page) {
  const address = page.dataset.pdfPreparing;
  const wait = Number(page.dataset.checkSeconds) * 1000;
  const status = page.querySelector("[data-pdf-status]");
  let checks = 0;
  const check = async () => {
    checks += 1;
    const controller = new AbortController();
    try {
      const response = await fetch(address, { cache: "no-store", credentials: "same-origin", signal: controller.signal });
      controller.abort(); // the headers say whether it is ready; the file itself is downloaded below
      if (response.ok && response.headers.get("Content-Type") === "application/pdf") {
        status.textContent = "Your PDF is ready. It is downloading now.";
        window.location.assign(address);
        return;
      }
    } catch {
      // offline for a moment: ask again
    }
    if (checks < LAST_CHECK) setTimeout(check, wait);
  };
  setTimeout(check, wait);
}
