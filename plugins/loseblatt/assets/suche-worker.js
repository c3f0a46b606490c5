/* Search in German: this worker stands in for Material's search worker (same file name; the
   build moves Material's worker beside it) and rewrites each query word before Material sees
   it, so that word forms find each other:

   - inflected forms: the word becomes its German stem (the lunr-languages stemmer the index
     was built with), «Geschäftsordnungen» -> «geschaftsordnung», which Material then matches
     as a prefix like everything the reader types;
   - transcriptions: ae, oe, ue stand for ä, ö, ü («Foerderung» -> «Förderung») when more
     pages contain the word read that way than as written;
   - compound parts are in the index itself (field «teile», written at build time).

   Words the index does not know stay as written, so Material reports them as missing. */
"use strict"

const MATERIAL_WORKER = "__MATERIAL_WORKER__"
const QUERY = 2 // Material's SearchMessageType.QUERY

let vocabulary = []
let index = null

function knowsPrefix(prefix) {
  let lo = 0
  let hi = vocabulary.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (vocabulary[mid] < prefix) lo = mid + 1
    else hi = mid
  }
  return lo < vocabulary.length && vocabulary[lo].startsWith(prefix)
}

function stem(word) {
  const german = self.lunr && self.lunr.de
  if (!german) return word
  const token = german.stemmer(new self.lunr.Token(word))
  return token ? token.toString() : word
}

// How many pages (or sections) contain exactly this index term.
function pages(term) {
  const posting = index && index.invertedIndex[term]
  if (!posting) return 0
  const refs = new Set()
  for (const field of Object.keys(posting)) if (field !== "_index") Object.keys(posting[field]).forEach((r) => refs.add(r))
  return refs.size
}

function rewriteWord(word) {
  const lower = word.toLowerCase()
  const candidates = [lower]
  const folded = lower.replace(/ae/g, "ä").replace(/oe/g, "ö").replace(/ue/g, "ü")
  if (folded !== lower) candidates.push(folded)
  // A complete word: the reading that more pages contain («foerderung»: «förderung», even if
  // a page mentions the transcription itself; «steuer» stays «steuer»).
  let best = null
  let most = 0
  for (const candidate of candidates) {
    const n = pages(stem(candidate))
    if (n > most) [best, most] = [stem(candidate), n]
  }
  if (best) return best
  // A word still being typed: the first reading that begins some word of the index.
  for (const candidate of candidates)
    for (const form of [stem(candidate), candidate]) if (knowsPrefix(form)) return form
  return lower
}

function rewrite(query) {
  // Words only; a word before «:» names a field (title:…) and stays.
  return query.replace(/[\p{L}\p{N}]+/gu, (word, offset, all) =>
    all[offset + word.length] === ":" ? word : rewriteWord(word),
  )
}

// Registered before Material's worker loads, so this listener runs first on every message.
addEventListener("message", (event) => {
  const message = event.data
  if (message && message.type === QUERY && typeof message.data === "string") message.data = rewrite(message.data)
})

// Keep the index's terms (sorted) to know which forms exist. In a real worker importScripts
// loads synchronously; in the offline edition's frame (iframe-worker) it returns a promise.
// There, addresses are relative to the page, so Material's worker is named by its full address.
const here = typeof document !== "undefined" && document.currentScript ? document.currentScript.src : self.location.href
Promise.resolve(importScripts(new URL(MATERIAL_WORKER, here).href)).then(() => {
  const build = self.lunr.Builder.prototype.build
  self.lunr.Builder.prototype.build = function () {
    index = build.call(this)
    vocabulary = Object.keys(index.invertedIndex).sort()
    return index
  }
})
