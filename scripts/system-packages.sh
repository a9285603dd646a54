#!/usr/bin/env bash
# Make sure the system packages the test suite needs are present. On Debian, as root, install what is
# missing; anywhere else, stop and name it. The browser tests are never skipped for want of a browser.
set -euo pipefail

declare -A needed=(
  [chromium]=/usr/bin/chromium
  [libpango-1.0-0]=/usr/lib/x86_64-linux-gnu/libpango-1.0.so.0
  [libpangoft2-1.0-0]=/usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0
  [libharfbuzz-subset0]=/usr/lib/x86_64-linux-gnu/libharfbuzz-subset.so.0
  [libmagic1]=/usr/lib/x86_64-linux-gnu/libmagic.so.1
  [fonts-liberation]=/usr/share/fonts/truetype/liberation
  [default-jre-headless]=/usr/bin/java
  [wrk]=/usr/bin/wrk
  # The virus scanner's daemon. The tests start clamd themselves with the project's test signatures
  # (bench/servers.py), so that nothing is downloaded: Debian's own service is not used.
  [clamav-daemon]=/usr/sbin/clamd
  # The front door: `make drill` runs its web nodes behind nginx with the project's configuration
  # (deploy/nginx.conf.template, bench/front_door.py), in the foreground; Debian's own service is not used.
  [nginx]=/usr/sbin/nginx
)

missing=()
for package in "${!needed[@]}"; do
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" && continue
  elif [ -e "${needed[$package]}" ]; then
    continue
  fi
  # Java may come from elsewhere than Debian's package (the HTML checker only needs a `java`).
  if [ "$package" = default-jre-headless ] && command -v java >/dev/null 2>&1; then continue; fi
  missing+=("$package")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "The test suite needs these system packages, which are missing: ${missing[*]}" >&2
  echo "Install them (e.g. sudo apt-get install ${missing[*]}) and run make test again." >&2
  exit 1
fi
