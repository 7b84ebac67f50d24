#!/usr/bin/env bash
# The report page's cost against the events API it is built on, on a running stack (./smtpapi up, or the test
# stack): sends one tracked mail to bob, loads its open pixel REPORT_EVENTS times (real opens through the
# tracker), then times each page and its API baseline REPORT_ROUNDS times, alternating, and prints medians and
# ratios. Loopback only; it stops nothing and starts nothing.
#
#   benchmarks/report-page.sh [STACK_ENV]      (default .smtpapi/stack.env)
#   REPORT_EVENTS=5000 REPORT_ROUNDS=15 benchmarks/report-page.sh .smtpapi/test-stack/stack.env
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ENV_FILE="${1:-.smtpapi/stack.env}"
EVENTS="${REPORT_EVENTS:-5000}"
ROUNDS="${REPORT_ROUNDS:-15}"
[[ -f "$ENV_FILE" ]] || { echo "no $ENV_FILE: start a stack first (./smtpapi up)" >&2; exit 1; }
# shellcheck disable=SC1090
source <(grep -E '^[A-Z_]+=' "$ENV_FILE")
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CAMPAIGN="report-bench-$(date +%s)"

echo "==> one tracked mail to bob, campaign $CAMPAIGN"
cat >"$WORK/mail.eml" <<MAIL
From: news@$DOMAIN
To: bob@$DOMAIN
Subject: $CAMPAIGN
X-MSYS-API: {"campaign_id":"$CAMPAIGN","options":{"open_tracking":true,"click_tracking":true}}
Content-Type: text/html; charset=utf-8

<html><body><p><a href="https://shop.example.com/bench">Shop</a></p></body></html>
MAIL
curl -sS "smtp://127.0.0.1:$SMTP_PORT" --crlf --mail-from "news@$DOMAIN" --mail-rcpt "bob@$DOMAIN" \
  --upload-file "$WORK/mail.eml"
pixel=""
for _ in $(seq 60); do
  uid="$(curl -sS "imap://127.0.0.1:$IMAP_PORT/INBOX" -u "bob@$DOMAIN:$PASSWORD" -X "UID SEARCH SUBJECT $CAMPAIGN" \
    | tr -d '\r' | awk '{print $NF}' | grep -E '^[0-9]+$' | tail -n 1 || true)"
  if [[ -n "$uid" ]]; then
    pixel="$(curl -sS "imap://127.0.0.1:$IMAP_PORT/INBOX;UID=$uid" -u "bob@$DOMAIN:$PASSWORD" | python3 -c '
import quopri, re, sys
text = quopri.decodestring(sys.stdin.buffer.read()).decode("utf-8", "replace")
print(re.search(r"https?://[^\"\s<>]+/q/[A-Za-z0-9_-]+", text).group(0))')"
    break
  fi
  sleep 1
done
[[ -n "$pixel" ]] || { echo "the mail did not arrive in bob's INBOX" >&2; exit 1; }

echo "==> $EVENTS opens of its pixel"
for _ in $(seq "$EVENTS"); do echo "url = \"$pixel\""; echo "output = /dev/null"; done >"$WORK/opens.conf"
curl -sS -Z --parallel-max 16 -A 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' \
  -K "$WORK/opens.conf"
api() { curl -sS -H "Authorization: $API_KEY" "$TRACKER_URL$1"; }
for _ in $(seq 120); do
  stored="$(api "/api/v1/events/message?campaigns=$CAMPAIGN&per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_count"])')"
  (( stored >= EVENTS )) && break
  sleep 1
done
echo "    $stored events stored"

# Sign in as a browser would: the form's token and cookie, then the POST.
jar="$WORK/cookies"
csrf="$(curl -sS -c "$jar" "$TRACKER_URL/report/" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)"
curl -sS -b "$jar" -c "$jar" -o /dev/null -H 'Sec-Fetch-Site: same-origin' --data-urlencode "csrf=$csrf" \
  --data-urlencode "api_key=$API_KEY" "$TRACKER_URL/report/sign-in"

time_of() {  # time_of URL [curl args...]: seconds for one GET, failing on anything but 200
  local url="$1"; shift
  curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' "$@" "$url" | awk '$1 != 200 {exit 1} {print $2}'
}
declare -A samples
names=(metrics_api events_api campaigns_page campaign_page)
for _ in $(seq "$ROUNDS"); do
  samples[metrics_api]+="$(time_of "$TRACKER_URL/api/v1/metrics/campaigns" -H "Authorization: $API_KEY") "
  samples[events_api]+="$(time_of "$TRACKER_URL/api/v1/events/message?campaigns=$CAMPAIGN&per_page=25" -H "Authorization: $API_KEY") "
  samples[campaigns_page]+="$(time_of "$TRACKER_URL/report/" -b "$jar") "
  samples[campaign_page]+="$(time_of "$TRACKER_URL/report/campaign?id=$CAMPAIGN" -b "$jar") "
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "==> medians of $ROUNDS rounds, $stored events of this campaign in the window (plus whatever else is there)"
for name in "${names[@]}"; do
  printf '    %-15s %8.1f ms\n' "$name" "$(echo "${samples[$name]}" | median | awk '{print $1 * 1000}')"
done
m="$(echo "${samples[metrics_api]}" | median)"
e="$(echo "${samples[events_api]}" | median)"
awk -v m="$m" -v e="$e" -v a="$(echo "${samples[campaigns_page]}" | median)" -v c="$(echo "${samples[campaign_page]}" | median)" \
  'BEGIN { printf "    campaigns page / metrics API: %.2f\n    campaign page / (metrics API + events API): %.2f\n", a / m, c / (m + e) }'
