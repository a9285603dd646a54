#!/usr/bin/env bash
# Copy the precompiled GOV.UK Frontend and MOJ Frontend files from node_modules into static/.
# The portal serves static files at /assets/, the path both libraries' CSS expects for fonts and images,
# so no Sass or JavaScript build is needed to run it.
set -euo pipefail
cd "$(dirname "$0")/.."
govuk=node_modules/govuk-frontend/dist/govuk
moj=node_modules/@ministryofjustice/frontend/moj

rm -rf static/govuk-frontend static/moj-frontend static/fonts static/images static/manifest.json
mkdir -p static/govuk-frontend static/moj-frontend
cp "$govuk"/govuk-frontend.min.{css,js}{,.map} static/govuk-frontend/
cp "$moj"/moj-frontend.min.{css,js}{,.map} static/moj-frontend/
cp -r "$govuk"/assets/fonts "$govuk"/assets/images "$govuk"/assets/manifest.json static/
cp -r "$moj"/assets/images/. static/images/
echo "Vendored govuk-frontend $(node -p 'require("./node_modules/govuk-frontend/package.json").version')" \
  "and @ministryofjustice/frontend $(node -p 'require("./node_modules/@ministryofjustice/frontend/package.json").version')"
