#!/usr/bin/env bash
# Looks at the HTML report in a real browser: renders it in headless Chromium, takes the DOM
# the browser built, and checks that the page opens with the answer — the decision guide's
# recommendation for every workload profile — before its first table, that every profile of
# the guide is in that answer, and that the page needs no script. Installs Chromium (Debian:
# chromium) if it is missing.
#
# Usage: scripts/check-html.sh [REPORT.html]   (default: reports/index.html)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
page=$(realpath "${1:-$repo/reports/index.html}")
test -s "$page" || { echo "check-html: no report at $page" >&2; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "check-html: Chromium is not installed; installing it (Debian: chromium)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
  browser=$(command -v chromium)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A profile of its own, so that no user's browser state is read or written.
"$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
  --dump-dom "file://$page" >"$work/dom.html" 2>"$work/stderr.txt" || {
  cat "$work/stderr.txt" >&2
  echo "check-html: $browser could not render $page" >&2
  exit 1
}

python3 - "$work/dom.html" "$page" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
page = sys.argv[2]
def fail(why):
    sys.exit(f"check-html: {page}: {why}")
if "<body" not in dom or len(dom) < 1000:
    fail("the browser built no page")
first_table = dom.find("<table")
answer = dom.find('<section class="answer">')
if answer < 0:
    fail("no answer section (the recommendation per workload profile)")
end = dom.find("</section>", answer)
section = dom[answer:end]
if first_table >= 0 and not answer < first_table:
    fail("the answer comes after the first table")
first_verdict = dom.find("Recommendation:")
if first_verdict < 0 or (first_table >= 0 and first_verdict > first_table):
    fail("no recommendation before the first table")
# Every profile the guide gives a verdict for is in the answer, under its own name.
guide = re.findall(r"<h3>(.*?)</h3>\s*<p><em>.*?</em>.*?</p>\s*<p><strong>(.*?)</strong></p>", dom, re.S)
if not guide:
    fail("no decision guide verdicts found")
for profile, verdict in guide:
    item = f"<li><strong>{profile}</strong>: {verdict}</li>"
    if item not in section:
        fail(f"the answer lacks the guide's verdict for {profile!r}")
if "<script" in dom:
    fail("the page has a script")
print(f"check-html: {page} opens with {len(guide)} recommendation(s) before its first table "
      f"(rendered by headless Chromium)")
PY
