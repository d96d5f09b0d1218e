#!/usr/bin/env bash
# The HTTP API with nothing but curl (and grep/sed to read ids from the JSON answers):
# create a group, upsert its people, push touches, read the analysis, forecast and
# suggestions, then build a consensus kit and download it.
#
#   API_URL=http://localhost:8000 API_KEY=cp_... bash docs/api-quickstart.sh [OUT_DIR]
#
# API_KEY is a write key: `manage.py create_api_key --org SLUG --name quickstart --scope
# write` prints one as its last line (or create one on the API keys page as an admin).
set -euo pipefail

: "${API_URL:?set API_URL, e.g. http://localhost:8000}"
: "${API_KEY:?set API_KEY to a write key}"
OUT=${1:-.}
API="$API_URL/api/v1"
RUN=${RUN_ID:-$(date +%s)}

call() {  # call METHOD PATH [JSON] [extra curl args...]: prints the answer, fails on 4xx/5xx
  local method=$1 path=$2 body=${3:-}
  shift 3 2>/dev/null || shift $#
  curl --fail-with-body --silent --show-error -X "$method" "$API$path" \
    -H "Authorization: Bearer $API_KEY" -H "Content-Type: application/json" \
    ${body:+--data "$body"} "$@"
}
first() {  # first "name": value in a JSON answer (numbers and strings)
  grep -o "\"$1\": *\(\"[^\"]*\"\|[0-9]*\)" | head -n 1 | sed 's/^[^:]*: *//; s/"//g'
}

echo "1. A content library asset (upserted by slug)"
call POST /assets '[{"slug": "downtime-calculator", "title": "Cost of downtime calculator",
  "kind": "calculator", "framing": "shared_problem", "level": "mass_customized",
  "stage": "problem_identification", "themes": {"cost-of-downtime": 2, "security": 1}}]'
echo

echo "2. A buying group"
GROUP=$(call POST /groups "{\"name\": \"Contoso renewal $RUN\", \"account\": \"Contoso\"}" | first id)
echo "   group id $GROUP"

echo "3. Its people (upserted by email; send them again and nothing changes)"
call POST "/groups/$GROUP/people" '[
  {"email": "ana@contoso.example", "name": "Ana Diaz", "title": "CFO", "buying_role": "Budget Holder"},
  {"email": "ben@contoso.example", "name": "Ben Ito", "title": "CIO", "buying_role": "Decision Maker"},
  {"email": "cy@contoso.example", "name": "Cy Park", "title": "IT lead", "buying_role": "Champion"}]'
echo
call POST "/groups/$GROUP/relationships" '[
  {"source_email": "cy@contoso.example", "target_email": "ben@contoso.example", "kind": "reports_to"},
  {"source_email": "ana@contoso.example", "target_email": "ben@contoso.example", "kind": "influences"}]'
echo

echo "4. Touches (up to 1,000 per call; the Idempotency-Key makes a retry safe)"
call POST "/groups/$GROUP/touches" '[
  {"email": "ana@contoso.example", "occurred_at": "2026-11-02T09:00:00Z", "channel": "email", "asset": "downtime-calculator"},
  {"email": "ben@contoso.example", "occurred_at": "2026-11-02T09:00:00Z", "channel": "email", "asset": "downtime-calculator"},
  {"email": "cy@contoso.example", "occurred_at": "2026-11-03", "channel": "call", "themes": {"security": 2}}]' \
  -H "Idempotency-Key: quickstart-$RUN-touches"
echo

echo "5. The analysis (the analyze_group document)"
call GET "/groups/$GROUP/analysis" | tee "$OUT/analysis.json" | head -c 300
echo

echo "6. The forecast (with a plan: send the calculator to everyone)"
call GET "/groups/$GROUP/forecast?send=downtime-calculator&to=all" | tee "$OUT/forecast.json" |
  head -c 300
echo

echo "7. Suggestions (the suggest_assets document)"
call GET "/groups/$GROUP/suggestions" | tee "$OUT/suggestions.json" | head -c 300
echo

echo "8. A consensus kit: 202 at once, then poll its status URL"
STATUS_URL=$(call POST "/groups/$GROUP/kits" '{}' | first status_url)
for _ in $(seq 1 60); do
  KIT=$(curl --fail-with-body -sS "$STATUS_URL" -H "Authorization: Bearer $API_KEY")
  STATE=$(echo "$KIT" | first status)
  [ "$STATE" = ready ] && break
  [ "$STATE" = failed ] && { echo "   the build failed: $KIT" >&2; exit 1; }
  sleep 1
done
[ "$STATE" = ready ] || { echo "   the kit was not ready in time" >&2; exit 1; }
ZIP_URL=$(echo "$KIT" | grep -o '"zip": *"[^"]*"' | sed 's/^[^:]*: *//; s/"//g')
curl --fail-with-body -sS -L -o "$OUT/kit.zip" "$ZIP_URL"  # short-lived link: no key needed
echo "   downloaded $(wc -c <"$OUT/kit.zip") bytes to $OUT/kit.zip"
