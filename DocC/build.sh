#!/usr/bin/env bash
# Builds the documentation site of Allot with `docc convert` and the symbol graphs of a
# plain `swift build` (no swift-docc-plugin package):
#
#   DocC/build.sh        # site in .build-docs/site; fails on any warning
#
# 1. Builds the documented modules (Allot, AllotRPC) and liballot.so in their own scratch
#    path, .build-docs, emitting symbol graphs.
# 2. Checks the articles' examples: the ```swift blocks of each article, in order, form one
#    program that must compile against those modules and run to completion (a block that
#    starts with `// swift-tools-version` is a package manifest and is skipped); the ```c
#    blocks of each article, in order, form one C11 program that must compile against
#    allot.h with -Wall -Wextra -Werror, link with liballot.so and run to completion.
#    The JSON-RPC session of WireProtocol.md is replayed through the dispatcher
#    (DocC/replay.swift) and must give the documented answers.
# 3. Runs `docc convert` on DocC/Allot.docc with --warnings-as-errors: a broken ``Symbol``
#    or <doc:Article> link, in an article or in a doc comment in Sources, fails the build.
# 4. Checks that the site has a page for every article and for the main symbols.
#
# Cost on 2 cores: 43 s from an empty .build-docs (a debug build of three modules, the
# examples, docc), 7 s when nothing changed (measured with other builds running).
# Open the result: python3 -m http.server -d .build-docs/site 8000, then
# http://localhost:8000/documentation/allot
set -euo pipefail
cd "$(dirname "$0")/.."

S=.build-docs
CATALOG=DocC/Allot.docc
MODULES=(Allot AllotRPC)

echo "docs: building ${MODULES[*]} and liballot.so with symbol graphs in $S"
# The product `allot` (liballot.so) depends on both modules, so this builds them all. An
# incremental build re-emits the graph of every module it recompiles; unchanged modules
# keep theirs.
swift build --product allot --scratch-path "$S" \
  -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$S/symbol-graphs"

# Only the documented modules' graphs go to docc (others in the folder would add pages and
# break article links).
rm -rf "$S/docc-graphs" && mkdir -p "$S/docc-graphs"
for m in "${MODULES[@]}"; do
  cp "$S/symbol-graphs/$m.symbols.json" "$S/docc-graphs/"
  for f in "$S/symbol-graphs/$m@"*.symbols.json; do
    [ -e "$f" ] && cp "$f" "$S/docc-graphs/"
  done
done

echo "docs: checking the articles' examples"
EX="$S/examples"
rm -rf "$EX" && mkdir -p "$EX"
objects=()
for m in "${MODULES[@]}"; do objects+=("$S/debug/$m.build/"*.o); done
# Prints the fenced blocks of language $2 of file $1, in order, without their fences.
blocks() {
  awk -v lang="$2" '
    $0 == "```" lang { on = 1; first = 1; next }
    on && /^```/ { on = 0; next }
    on && first && /^\/\/ swift-tools-version/ { on = 0; next }
    on { first = 0; print }
  ' "$1"
}
checked=0
for article in "$CATALOG"/*.md; do
  name=$(basename "$article" .md)
  if [ -n "$(blocks "$article" swift)" ]; then
    mkdir -p "$EX/$name"
    blocks "$article" swift > "$EX/$name/main.swift"
    swiftc -swift-version 6 -warnings-as-errors -I "$S/debug/Modules" "$EX/$name/main.swift" "${objects[@]}" \
      -o "$EX/$name/example" ||
      { echo "docs: the Swift example of $article does not compile ($EX/$name/main.swift)"; exit 1; }
    "$EX/$name/example" > "$EX/$name/output.txt" ||
      { echo "docs: the Swift example of $article failed when run"; exit 1; }
    checked=$((checked + 1))
  fi
  if [ -n "$(blocks "$article" c)" ]; then
    mkdir -p "$EX/$name"
    blocks "$article" c > "$EX/$name/example.c"
    cc -std=c11 -Wall -Wextra -Werror -I Sources/CAllot/include "$EX/$name/example.c" \
      -L"$S/debug" -lallot -Wl,-rpath,"$PWD/$S/debug" -o "$EX/$name/example-c" ||
      { echo "docs: the C example of $article does not compile against allot.h"; exit 1; }
    "$EX/$name/example-c" > "$EX/$name/output-c.txt" 2>&1 ||
      { echo "docs: the C example of $article failed when run"; exit 1; }
    checked=$((checked + 1))
  fi
done
echo "docs: $checked examples compiled and ran (output in $EX)"

# The session of the wire-protocol article: its request lines (in ```sh blocks, quoted with
# '...' or in a here-document) go through the dispatcher that allotd and allot_call_json
# use, and the answers must be the response lines of its plain ``` blocks.
W="$CATALOG/WireProtocol.md"
awk '
  $0 == "```sh" { on = 1; next }
  on && /^```/ { on = 0; next }
  on && /^[{[]/ { print; next }
  on {
    line = $0
    while (match(line, /'"'"'[{[][^'"'"']*'"'"'/)) {
      print substr(line, RSTART + 1, RLENGTH - 2)
      line = substr(line, RSTART + RLENGTH)
    }
  }
' "$W" > "$EX/wire-requests.jsonl"
awk '
  /^```/ { if (inside) { inside = 0 } else { inside = 1; plain = ($0 == "```") }; next }
  inside && plain && /^[{[]/ { print }
' "$W" > "$EX/wire-responses.jsonl"
swiftc -swift-version 6 -warnings-as-errors -I "$S/debug/Modules" DocC/replay.swift \
  "${objects[@]}" -o "$EX/replay"
"$EX/replay" "$EX/wire-requests.jsonl" "$EX/wire-responses.jsonl" ||
  { echo "docs: the session in $W no longer matches the dispatcher"; exit 1; }

echo "docs: docc convert"
rm -rf "$S/site"
log="$S/docc.log"
if ! docc convert "$CATALOG" --additional-symbol-graph-dir "$S/docc-graphs" \
  --output-path "$S/site" --fallback-display-name Allot \
  --fallback-bundle-identifier org.allot.Allot --warnings-as-errors > "$log" 2>&1; then
  cat "$log"
  echo "docs: docc reported problems (see above)"
  exit 1
fi
# --warnings-as-errors already fails on warnings; refuse any that slipped through as notes.
if grep -qE '^(warning|error):' "$log"; then
  cat "$log"
  exit 1
fi

D="$S/site/data/documentation"
missing=()
for article in "$CATALOG"/*.md; do
  # Pages of symbols (a first line "# ``Symbol``") are checked below; articles are pages of
  # their own under the module.
  head -1 "$article" | grep -q '^# ``' && continue
  page=$(basename "$article" .md | tr '[:upper:]' '[:lower:]')
  [ -f "$D/allot/$page.json" ] || missing+=("$D/allot/$page.json")
done
for page in allot allot/engine allot/engine/allocate\(\) allot/agentspec allot/frameworkspec \
  allot/offer allot/taskspec allot/labelselector allot/marathonconstraint allot/alloterror \
  allotrpc allotrpc/dispatcher; do
  [ -f "$D/$page.json" ] || missing+=("$D/$page.json")
done
if [ ${#missing[@]} -gt 0 ]; then
  printf 'docs: missing page %s\n' "${missing[@]}"
  exit 1
fi
echo "docs: ok: $(find "$D" -name '*.json' | wc -l) pages in $S/site" \
  "(python3 -m http.server -d $S/site 8000; open http://localhost:8000/documentation/allot)"
