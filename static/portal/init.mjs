// Progressive enhancement only: every page works without this file.
import { initAll as initGovuk } from "/assets/govuk-frontend/govuk-frontend.min.js";

initGovuk();
