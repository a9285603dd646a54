"""Steps of the tendering journeys in Chromium, shared by the bidder's, the evaluators' and the end-to-end
journeys. Each step clicks the real links and buttons and audits the pages it reaches."""

from playwright.sync_api import expect

from tests.suppliers.factories import PDF_BYTES

PDF_FILE = {"name": "model.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
TEXT_FILE = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a document"}


# The bidder's task list ---------------------------------------------------------------------------


def open_task(page, audit, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    audit(name)


def respond(page, audit, task: str, text: str) -> None:
    open_task(page, audit, task)
    page.fill("textarea[name=text]", text)
    page.get_by_role("button", name="Save your response").click()


def upload(page, audit, task: str) -> None:
    open_task(page, audit, task)
    page.set_input_files("input[name=file]", files=[PDF_FILE])
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text(f"{task}: document uploaded")).to_be_visible()


def sign(page, audit, form: str, signer: str = "Alice Able") -> None:
    open_task(page, audit, form)
    page.fill("input[name=signed_name]", signer)
    page.fill("input[name=signed_role]", "Chief executive")
    page.get_by_role("button", name="Sign the form").click()
    expect(page.get_by_text(f"{form}: signed")).to_be_visible()


def supply_chain_without_partners(page, audit) -> None:
    open_task(page, audit, "Key subcontractors and consortium members")
    page.check("input[name=has_subcontractors][value=no]")
    page.check("input[name=as_consortium_lead][value=no]")
    page.get_by_role("button", name="Save your supply chain").click()


def documents_and_forms(page, audit, signer: str = "Alice Able") -> None:
    """The two templates uploaded and the three forms signed, from the task list."""
    upload(page, audit, "Completed Financial Model Template")
    upload(page, audit, "Completed Call-Off Contract Information Template")
    for form in (
        "Signed and completed Conflicts of Interest Declaration",
        "Signed and completed Form of Tender",
        "Signed and completed Submission Checklist",
    ):
        sign(page, audit, form, signer)


def submit_tender(page, audit) -> None:
    """From the task list of a complete tender to its receipt."""
    page.get_by_role("link", name="Check and submit your tender").click()
    expect(page.get_by_text("Every required task is complete.")).to_be_visible()
    audit("ready to submit")
    page.get_by_role("button", name="Submit your tender").click()
    expect(page.locator(".govuk-panel")).to_be_visible()
    audit("the receipt")


def download(page, link_name: str) -> bytes:
    """The bytes of the file a link downloads, checked to be a PDF."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    with open(download_info.value.path(), "rb") as downloaded:
        content = downloaded.read()
    assert content.startswith(b"%PDF-")
    return content


# Evaluation --------------------------------------------------------------------------------------


def submit(page) -> None:
    page.locator("main form [type=submit]").last.click()


def score_every_criterion(page, competition, scores: list[int], text_name: str, text: str) -> None:
    for criterion, value in zip(competition.criteria.all(), scores, strict=True):
        page.check(f"input[name=score_{criterion.pk}][value='{value}']")
        page.fill(f"textarea[name={text_name}_{criterion.pk}]", text)


def declare_no_conflicts(page, audit, tenders) -> None:
    """On the declarations page: no conflict with any of `tenders`."""
    for tender in tenders:
        page.check(f"input[name=has_conflict_{tender.pk}][value=no]")
    submit(page)
    audit("declared")
