// Run with: node scripts/dh-view-check.js target/dhat/*.json
//
// Loads a dhat profile through DHAT's own viewer code (dh_view.js), headless: the same
// field checks and tree building the browser page runs after "Load".
const fs = require("fs"), vm = require("vm");
const src = fs.readFileSync("/usr/libexec/valgrind/dh_view.js", "utf8");
const anything = () => new Proxy(function () {}, { get: (t, k) => k === Symbol.toPrimitive ? () => "" : anything(), apply: () => anything(), set: () => true });
const ctx = { console, Intl, Map, Set, Math, JSON, Error, Infinity, window: anything(), document: anything(), navigator: anything() };
vm.createContext(ctx);
vm.runInContext(src + `
;globalThis.__check = function (text) {
  gData = JSON.parse(text);
  gSelect = { childNodes: gSelectData.map(() => ({})), selectedIndex: 0 };
  buildTree();
  return { pps: gData.pps.length, totalBytes: gRoot._totalBytes, totalBlocks: gRoot._totalBlocks, maxBytes: gRoot._maxBytes };
};`, ctx);
for (const f of process.argv.slice(2)) {
  console.log(f, JSON.stringify(ctx.__check(fs.readFileSync(f, "utf8"))));
}
