#!/usr/bin/env bash
# Installs the Debian packages the project needs (tests and the demo server):
# chromium (browser tests), postgresql (the PostgreSQL test server), nginx (two-instance setup),
# fonts-dejavu-core (the font of the PDF visit report), nodejs + npm (`npm ci` installs axe-core,
# the accessibility checker the browser tests inject; see package.json).
# Idempotent: installs only what is missing. Needs root or sudo.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
# the Unicode font embedded in the printable visit report (berdikari.reports)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Need root to install: ${missing[*]} (apt-get install ${missing[*]})" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts services on install where it can; the project starts its own servers.
$SUDO service postgresql stop >/dev/null 2>&1 || true
$SUDO service nginx stop >/dev/null 2>&1 || true
