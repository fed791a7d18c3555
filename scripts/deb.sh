#!/bin/bash
# Builds apt-netguard_<version>_all.deb into dist/ (run `npm run build` first; `npm run deb` does).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p 'require("./package.json").version')
head -1 debian/changelog | grep -q "($version)" || { echo "debian/changelog does not name version $version" >&2; exit 1; }
# dpkg-buildpackage writes the .deb to the parent directory: build from a copy, so nothing lands beside the checkout.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/src"
cp --parents dist/apt-netguard.mjs dist/THIRD-PARTY-LICENSES.txt "$work/src/"
(cd "$work/src" && dpkg-buildpackage -us -uc -b --no-sign >"$work/build.log" 2>&1) || { tail -30 "$work/build.log"; exit 1; }
cp "$work/apt-netguard_${version}_all.deb" dist/
# Errors fail the build; warnings are listed (README, "lintian") and printed.
if command -v lintian >/dev/null; then
	lintian --fail-on error --info "dist/apt-netguard_${version}_all.deb" | grep -v '^N:' || true
	lintian --fail-on error -q "dist/apt-netguard_${version}_all.deb" >/dev/null
fi
echo "dist/apt-netguard_${version}_all.deb"
