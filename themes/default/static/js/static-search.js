// Search in a frozen site, with no server: reads the _search/<lang>/ index that
// docsite.search.static writes and answers in the shape of /api/search. It implements the one
// definition of search in docsite/search/query.py (cleaning, parsing, analysis, clauses with
// their sub-words and corrections (fuzzy.py), coverage, integer scores and the order of
// results) and of snippets (snippets.py) exactly, so a frozen site answers every query with the
// server's documents in the server's order; tests/test_search_agreement.py checks that. Loaded
// by search.js only on sites built with `build.py build`.
(function () {
  "use strict";
  var CJK = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u3040-\\u30ff";
  var LETTER = "(?:(?![" + CJK + "])[\\p{L}\\p{N}])";  // Python's [^\W_<CJK>]
  var WORD_SOURCE = "[" + CJK + "]+|@?" + LETTER + "[\\p{L}\\p{N}_]*" +
    "(?:[.:](?:(?![" + CJK + "])[\\p{L}\\p{N}_])[\\p{L}\\p{N}_]*)*|_[\\p{L}\\p{N}_]+";
  var CJK_RUN = new RegExp("^[" + CJK + "]+$", "u");
  var HAS_CJK = new RegExp("[" + CJK + "]", "u");
  var MAX_QUERY = 200, MAX_TERMS = 12, MAX_PHRASES = 4, MAX_PREFIXES = 4, MAX_LIMIT = 50;
  var FUZZY_TERMS = 3;
  var FORMAT = 2;
  var EXCERPT_CHARS = 320;  // docsite.search.static cuts a section's text there

  function words(text) { return text.match(new RegExp(WORD_SOURCE, "gu")) || []; }
  function isWord(text) { return new RegExp("^(?:" + WORD_SOURCE + ")$", "u").test(text); }
  function length(text) { return Array.from(text).length; }  // in code points, as Python counts
  function own(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }
  function unique(list) { return list.filter(function (x, i) { return list.indexOf(x) === i; }); }

  // --- cleaning (query.clean_query) ---------------------------------------------------------

  function cleanQuery(raw) {
    var text = String(raw || "").normalize("NFKC");
    text = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]/g, " ");
    text = text.replace(/[\u201c\u201d\u201e\u201f\u300c\u300d\u300e\u300f\u301d\u301e]/g, '"');
    text = text.replace(/\p{C}/gu, "");
    text = text.split(/\s+/).filter(Boolean).join(" ");
    return Array.from(text).slice(0, MAX_QUERY).join("");
  }

  // --- Snowball English, as whoosh.lang.snowball.english implements it ----------------------

  var VOWELS = "aeiouy";
  var DOUBLES = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];
  var STEP1B = ["eedly", "ingly", "edly", "eed", "ing", "ed"];
  var STEP2 = ["ization", "ational", "fulness", "ousness", "iveness", "tional", "biliti",
    "lessli", "entli", "ation", "alism", "aliti", "ousli", "iviti", "fulli", "enci", "anci",
    "abli", "izer", "ator", "alli", "bli", "ogi", "li"];
  var STEP3 = ["ational", "tional", "alize", "icate", "iciti", "ative", "ical", "ness", "ful"];
  var STEP4 = ["ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti",
    "ous", "ive", "ize", "ion", "al", "er", "ic"];
  var SPECIAL = {
    skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl",
    gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky",
    news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes",
    inning: "inning", innings: "inning", outing: "outing", outings: "outing",
    canning: "canning", cannings: "canning", herring: "herring", herrings: "herring",
    earring: "earring", earrings: "earring", proceed: "proceed", proceeds: "proceed",
    proceeded: "proceed", proceeding: "proceed", exceed: "exceed", exceeds: "exceed",
    exceeded: "exceed", exceeding: "exceed", succeed: "succeed", succeeds: "succeed",
    succeeded: "succeed", succeeding: "succeed"
  };

  function vowel(c) { return c !== "" && VOWELS.indexOf(c) >= 0; }
  function at(text, i) { return text.charAt(i < 0 ? text.length + i : i); }  // Python's text[i]
  function cut(text, n) { return n >= text.length ? "" : text.slice(0, text.length - n); }  // text[:-n]
  function ends(text, suffix) { return text.slice(-suffix.length) === suffix; }
  function firstEnding(text, suffixes) {
    for (var i = 0; i < suffixes.length; i++) if (ends(text, suffixes[i])) return suffixes[i];
    return null;
  }

  function regions(word) {
    var r1 = "", r2 = "", i;
    if (/^(gener|commun|arsen)/.test(word)) {
      r1 = word.slice(/^commun/.test(word) ? 6 : 5);
    } else {
      for (i = 1; i < word.length; i++) {
        if (!vowel(word[i]) && vowel(word[i - 1])) { r1 = word.slice(i + 1); break; }
      }
    }
    for (i = 1; i < r1.length; i++) {
      if (!vowel(r1[i]) && vowel(r1[i - 1])) { r2 = r1.slice(i + 1); break; }
    }
    return [r1, r2];
  }

  // s = {w: word, r1, r2}; replace(s, n, add, r2Else): drop n characters and add `add` in the
  // word and in R1 and R2 where they are at least n long (else R1 becomes "", R2 `r2Else`)
  function replace(s, n, add, r2Else) {
    s.w = cut(s.w, n) + add;
    s.r1 = s.r1.length >= n ? cut(s.r1, n) + add : "";
    s.r2 = s.r2.length >= n ? cut(s.r2, n) + add : (r2Else || "");
  }
  function drop(s, n) { s.w = cut(s.w, n); s.r1 = cut(s.r1, n); s.r2 = cut(s.r2, n); }

  function step1a(s) {
    var suffix = firstEnding(s.w, ["sses", "ied", "ies", "us", "ss", "s"]);
    if (suffix === "sses") drop(s, 2);
    else if (suffix === "ied" || suffix === "ies") drop(s, cut(s.w, suffix.length).length > 1 ? 2 : 1);
    else if (suffix === "s" && Array.from(cut(s.w, 2)).some(vowel)) drop(s, 1);
  }

  function step1b(s) {
    var suffix = firstEnding(s.w, STEP1B);
    if (!suffix) return;
    var n = suffix.length;
    if (suffix === "eed" || suffix === "eedly") {
      if (ends(s.r1, suffix)) replace(s, n, "ee");
      return;
    }
    if (!Array.from(cut(s.w, n)).some(vowel)) return;
    drop(s, n);
    var w = s.w;
    if (/(at|bl|iz)$/.test(w)) {
      s.w += "e"; s.r1 += "e";
      if (s.w.length > 5 || s.r1.length >= 3) s.r2 += "e";
    } else if (DOUBLES.some(function (d) { return ends(w, d); })) {
      drop(s, 1);
    } else if ((s.r1 === "" && w.length >= 3 && !vowel(at(w, -1)) && "wxY".indexOf(at(w, -1)) < 0 &&
                vowel(at(w, -2)) && !vowel(at(w, -3))) ||
               (s.r1 === "" && w.length === 2 && vowel(w[0]) && !vowel(w[1]))) {
      s.w += "e";
      if (s.r1.length > 0) s.r1 += "e";
      if (s.r2.length > 0) s.r2 += "e";
    }
  }

  function step1c(s) {
    if (s.w.length > 2 && "yY".indexOf(at(s.w, -1)) >= 0 && !vowel(at(s.w, -2))) replace(s, 1, "i");
  }

  function step2(s) {
    var suffix = firstEnding(s.w, STEP2);
    if (!suffix || !ends(s.r1, suffix)) return;
    var n = suffix.length;
    if (suffix === "tional" || suffix === "entli" || suffix === "fulli" || suffix === "lessli") drop(s, 2);
    else if (suffix === "enci" || suffix === "anci" || suffix === "abli") replace(s, 1, "e");
    else if (suffix === "izer" || suffix === "ization") replace(s, n, "ize");
    else if (suffix === "ational" || suffix === "ation" || suffix === "ator") replace(s, n, "ate", "e");
    else if (suffix === "alism" || suffix === "aliti" || suffix === "alli") replace(s, n, "al");
    else if (suffix === "fulness") drop(s, 4);
    else if (suffix === "ousli" || suffix === "ousness") replace(s, n, "ous");
    else if (suffix === "iveness" || suffix === "iviti") replace(s, n, "ive", "e");
    else if (suffix === "biliti" || suffix === "bli") replace(s, n, "ble");
    else if (suffix === "ogi" && at(s.w, -4) === "l") drop(s, 1);
    else if (suffix === "li" && "cdeghkmnrt".indexOf(at(s.w, -3)) >= 0) drop(s, 2);
  }

  function step3(s) {
    var suffix = firstEnding(s.w, STEP3);
    if (!suffix || !ends(s.r1, suffix)) return;
    var n = suffix.length;
    if (suffix === "tional") drop(s, 2);
    else if (suffix === "ational") replace(s, n, "ate");
    else if (suffix === "alize") drop(s, 3);
    else if (suffix === "icate" || suffix === "iciti" || suffix === "ical") replace(s, n, "ic");
    else if (suffix === "ful" || suffix === "ness") drop(s, n);
    else if (suffix === "ative" && ends(s.r2, suffix)) drop(s, 5);
  }

  function step4(s) {
    var suffix = firstEnding(s.w, STEP4);
    if (!suffix || !ends(s.r2, suffix)) return;
    if (suffix !== "ion") drop(s, suffix.length);
    else if ("st".indexOf(at(s.w, -4)) >= 0 && at(s.w, -4) !== "") drop(s, 3);
  }

  function step5(s) {
    var w = s.w;
    if (ends(s.r2, "l") && at(w, -2) === "l") s.w = cut(w, 1);
    else if (ends(s.r2, "e")) s.w = cut(w, 1);
    else if (ends(s.r1, "e") && w.length >= 4 && (vowel(at(w, -2)) || "wxY".indexOf(at(w, -2)) >= 0 ||
             !vowel(at(w, -3)) || vowel(at(w, -4)))) s.w = cut(w, 1);
  }

  function stemEnglish(input) {
    // Characters beyond the BMP count as one, as in Python: each stands in as U+FFFF (which a
    // clean query never holds) while the word is stemmed, and is put back after.
    var astral = [];
    var word = input.toLowerCase().replace(/[\u{10000}-\u{10ffff}]/gu, function (c) {
      astral.push(c); return "\uffff";
    });
    if (own(SPECIAL, word)) return SPECIAL[word];
    word = word.replace(/[\u2019\u2018\u201b]/g, "'").replace(/^'/, "");
    if (word.charAt(0) === "y") word = "Y" + word.slice(1);
    for (var i = 1; i < word.length; i++) {
      if (vowel(word[i - 1]) && word[i] === "y") word = word.slice(0, i) + "Y" + word.slice(i + 1);
    }
    var r = regions(word);
    var s = { w: word, r1: r[0], r2: r[1] };
    var step0 = firstEnding(s.w, ["'s'", "'s", "'"]);
    if (step0) drop(s, step0.length);
    step1a(s); step1b(s); step1c(s); step2(s); step3(s); step4(s); step5(s);
    return s.w.replace(/Y/g, "y").replace(/\uffff/g, function () { return astral.shift(); });
  }

  var STEMMERS = { "": function (word) { return word; }, english: stemEnglish };

  // --- analysis (analysis.Profile.query_terms) ----------------------------------------------

  function Profile(meta, vocab) {
    this.stop = new Set(meta.stopWords);
    this.stem = STEMMERS[meta.stemmer] || STEMMERS[""];
    this.vocab = new Set(vocab);
    this.longest = meta.maxWord;
  }

  Profile.prototype.known = function (piece) { return this.stop.has(piece) || this.vocab.has(piece); };

  Profile.prototype.segment = function (run, longest) {
    // from the left, the longest known piece, else one character (analysis.segment_query)
    var pieces = [];
    var start = 0;
    while (start < run.length) {
      var size = Math.min(longest || this.longest, run.length - start);
      while (size > 1 && !this.known(run.substr(start, size))) size -= 1;
      pieces.push(run.substr(start, size));
      start += size;
    }
    return pieces;
  };

  Profile.prototype.subwords = function (term) {  // analysis.Profile.subwords
    if (term.length < 2 || !CJK_RUN.test(term)) return [];
    var self = this;
    return this.segment(term, term.length - 1).filter(function (p) { return !self.stop.has(p); });
  };

  Profile.prototype.normalize = function (word) {
    var lower = word.replace(/^@/, "").toLowerCase();
    return !lower || this.stop.has(lower) ? "" : this.stem(lower);
  };

  Profile.prototype.terms = function (text) {
    var self = this;
    var out = [];
    words(text).forEach(function (word) {
      if (CJK_RUN.test(word)) {
        self.segment(word).forEach(function (p) { if (!self.stop.has(p)) out.push(p); });
      } else {
        var term = self.normalize(word);
        if (term) out.push(term);
      }
    });
    return out;
  };

  // --- parsing (query.parse_query) ------------------------------------------------------------

  function prefixOf(raw) {
    var stem = raw.replace(/\*+$/, "");
    if (stem === raw || length(stem) < 2 || !isWord(stem)) return "";
    return stem.toLowerCase().replace(/^@/, "");
  }

  function parse(text, profile) {
    var parsed = { terms: [], phrases: [], prefixes: [], marks: [] };
    var loose = [];
    parsed.quoted = new Set();
    (text.match(/"[^"]*"/g) || []).forEach(function (quoted) {
      var inner = quoted.slice(1, -1);
      var terms = profile.terms(inner);
      parsed.marks = parsed.marks.concat(words(inner));
      if (terms.length > 1) parsed.phrases.push(terms.slice(0, MAX_TERMS));
      else { loose = loose.concat(terms); terms.forEach(function (t) { parsed.quoted.add(t); }); }
    });
    var rest = text.replace(/"[^"]*"/g, " ").replace(/"/g, " ");
    rest.split(/\s+/).filter(Boolean).forEach(function (raw) {
      var prefix = prefixOf(raw);
      if (prefix) { parsed.prefixes.push(prefix); return; }
      parsed.marks = parsed.marks.concat(words(raw));
      loose = loose.concat(profile.terms(raw));
    });
    parsed.phrases = parsed.phrases.slice(0, MAX_PHRASES);
    var inPhrases = new Set([].concat.apply([], parsed.phrases));
    parsed.terms = unique(loose).filter(function (t) { return !inPhrases.has(t); }).slice(0, MAX_TERMS);
    parsed.prefixes = unique(parsed.prefixes).slice(0, MAX_PREFIXES);
    parsed.empty = !(parsed.terms.length || parsed.phrases.length || parsed.prefixes.length);
    parsed.subwords = new Map();
    parsed.terms.forEach(function (term) {
      var parts = profile.subwords(term);
      if (parts.length > 1) parsed.subwords.set(term, parts);
    });
    return parsed;
  }

  // --- typo tolerance (fuzzy.py) -------------------------------------------------------------

  function maxDistance(term) {
    var n = length(term);
    return n < 4 ? 0 : n < 8 ? 1 : 2;
  }

  function editDistance(a, b, limit) {  // fuzzy.edit_distance, in code points
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var before = [], previous = [], i, j;
    for (j = 0; j <= b.length; j++) previous.push(j);
    for (i = 1; i <= a.length; i++) {
      var current = [i];
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          current[j] = Math.min(current[j], before[j - 2] + 1);
        }
      }
      if (Math.min.apply(null, current) > limit) return limit + 1;
      before = previous; previous = current;
    }
    return previous[b.length] <= limit ? previous[b.length] : limit + 1;
  }

  function corrections(term, candidates, frequency) {  // fuzzy.corrections
    var limit = maxDistance(term);
    if (!limit) return [];
    var first = Array.from(term)[0];
    var best = [], smallest = limit + 1;
    candidates.forEach(function (candidate) {
      if (candidate === term || candidate.indexOf(first) !== 0) return;
      var distance = editDistance(term, candidate, limit);
      if (distance < smallest) { best = [candidate]; smallest = distance; }
      else if (distance === smallest && distance <= limit) best.push(candidate);
    });
    best.sort(function (a, b) { return (frequency(b) - frequency(a)) || compareCodePoints(a, b); });
    return best.slice(0, FUZZY_TERMS);
  }

  // --- answering (query.clauses, query.coverage, query.answer) ---------------------------------

  function intersect(clauses) {
    if (!clauses.length) return new Map();
    var ordered = clauses.slice().sort(function (a, b) { return a.size - b.size; });
    var combined = new Map(ordered[0]);
    ordered.slice(1).forEach(function (other) {
      var next = new Map();
      combined.forEach(function (score, doc) {
        if (other.has(doc)) next.set(doc, score + other.get(doc));
      });
      combined = next;
    });
    return combined;
  }

  function bestOf(alternatives) {
    var best = new Map();
    alternatives.forEach(function (scores) {
      scores.forEach(function (score, doc) { if (score > (best.get(doc) || 0)) best.set(doc, score); });
    });
    return best;
  }

  function halved(scores) {
    var out = new Map();
    scores.forEach(function (score, doc) { out.set(doc, Math.max(1, Math.floor(score / 2))); });
    return out;
  }

  function phraseScores(source, phrase) {
    var scores = intersect(unique(phrase).map(function (t) { return source.scores(t); }));
    for (var i = 0; i + 1 < phrase.length && scores.size; i++) {
      var docs = source.pairDocs(phrase[i] + " " + phrase[i + 1]);
      scores.forEach(function (score, doc) { if (!docs.has(doc)) scores.delete(doc); });
    }
    return scores;
  }

  function termClause(source, term, parts, quoted) {
    var alternatives = [source.scores(term)];
    var others = parts.slice();
    var scoresOf = function (t) { return source.scores(t); };
    if (parts.length) {
      alternatives.push(phraseScores(source, parts));
      if (!quoted && parts.every(function (p) { return p.length > 1; })) alternatives.push(intersect(parts.map(scoresOf)));
    } else if (!quoted && !alternatives[0].size && !CJK_RUN.test(term) && /\p{L}/u.test(term)) {
      others = corrections(term, source.expand(Array.from(term)[0]), function (t) { return source.frequency(t); });
      alternatives.push(halved(bestOf(others.map(scoresOf))));
    }
    var weight = 0;
    if (source.frequency(term)) weight = source.idf(term);
    else others.forEach(function (t) { if (source.frequency(t)) weight = Math.max(weight, source.idf(t)); });
    return { scores: bestOf(alternatives), weight: weight, terms: [term].concat(others) };
  }

  function phraseClause(source, phrase) {
    var weight = 0;
    unique(phrase).forEach(function (t) { if (source.frequency(t)) weight += source.idf(t); });
    return { scores: phraseScores(source, phrase), weight: weight, terms: phrase.slice() };
  }

  function prefixClause(source, prefix) {
    var expanded = source.expand(prefix);
    var weight = expanded.length ? Math.min.apply(null, expanded.map(function (t) { return source.idf(t); })) : 0;
    return { scores: bestOf(expanded.map(function (t) { return source.scores(t); })), weight: weight, terms: [prefix] };
  }

  function clauses(parsed, source) {
    return parsed.terms.map(function (t) { return termClause(source, t, parsed.subwords.get(t) || [], parsed.quoted.has(t)); })
      .concat(parsed.phrases.map(function (p) { return phraseClause(source, p); }))
      .concat(parsed.prefixes.map(function (p) { return prefixClause(source, p); }));
  }

  function coverage(found) {  // S * C // T, and whether a document matches every clause
    var total = 0, sums = new Map(), covered = new Map(), matched = new Map();
    found.forEach(function (clause) {
      total += clause.weight;
      clause.scores.forEach(function (score, doc) {
        sums.set(doc, (sums.get(doc) || 0) + score);
        covered.set(doc, (covered.get(doc) || 0) + clause.weight);
        matched.set(doc, (matched.get(doc) || 0) + 1);
      });
    });
    var complete = Array.from(matched.values()).indexOf(found.length) >= 0;
    if (!total) return { scores: sums, complete: complete };
    var scores = new Map();
    sums.forEach(function (score, doc) {
      var product = score * covered.get(doc);  // exact: below 2^53
      scores.set(doc, (product - product % total) / total);
    });
    return { scores: scores, complete: complete };
  }

  function answer(parsed, source, limit) {
    var found = clauses(parsed, source);
    var terms = [];
    found.forEach(function (c) { if (c.scores.size) terms = terms.concat(c.terms); });
    var result = coverage(found);
    // documents are numbered in the order that breaks ties (URL, section, position)
    var top = Array.from(result.scores.entries()).sort(function (a, b) { return (b[1] - a[1]) || (a[0] - b[0]); });
    return {
      total: result.scores.size, top: top.slice(0, limit),
      partial: result.complete || !result.scores.size ? 0 : 1, terms: unique(terms)
    };
  }

  // --- the index ------------------------------------------------------------------------------

  function shardOf(term, meta) {
    var first = term.charAt(0);
    if (/^[a-z0-9]$/i.test(first)) return first.toLowerCase();
    return "x" + (term.codePointAt(0) % meta.cjkShards);
  }

  function Source(shards, meta) {  // query.TermSource over the shards a query loaded
    this.shards = shards;
    this.meta = meta;
    this.cache = new Map();
  }

  Source.prototype.list = function (term) {
    var shard = this.shards["t-" + shardOf(term, this.meta)];
    return shard && own(shard, term) ? shard[term] : null;
  };

  Source.prototype.frequency = function (term) {
    var list = this.list(term);
    return list ? (list.length - 1) / 2 : 0;
  };

  Source.prototype.idf = function (term) {
    var list = this.list(term);
    return list ? list[0] : 0;
  };

  Source.prototype.scores = function (term) {
    if (!this.cache.has(term)) {
      var list = this.list(term);
      var map = new Map();
      for (var i = 1; list && i < list.length; i += 2) map.set(list[i], list[0] * list[i + 1]);
      this.cache.set(term, map);
    }
    return this.cache.get(term);
  };

  Source.prototype.expand = function (prefix) {
    var shard = this.shards["t-" + shardOf(prefix, this.meta)] || {};
    return Object.keys(shard).filter(function (term) { return term.indexOf(prefix) === 0; });
  };

  Source.prototype.pairDocs = function (pair) {
    var shard = this.shards["p-" + shardOf(pair, this.meta)];
    return new Set(shard && own(shard, pair) ? shard[pair] : []);
  };

  function fetchText(url) {
    return fetch(url).then(function (r) { return r.ok ? r.text() : null; });
  }

  // readText(url) -> Promise of the file's text or null: fetch() by default; a site built
  // with --offline gives one that loads the index as scripts (search.js).
  function Engine(root, languages, readText) {
    this.root = root;
    this.languages = languages;
    this.readText = readText || fetchText;
    this.cache = {};
    this.bytes = 0;  // downloaded so far (what the benchmark reports per query)
  }

  Engine.prototype.json = function (path) {
    var self = this;
    if (!this.cache[path]) {
      this.cache[path] = this.readText(this.root + path).then(function (text) {
        if (text === null) return null;
        self.bytes += text.length;
        return JSON.parse(text);
      }).catch(function () { return null; });
    }
    return this.cache[path];
  };

  Engine.prototype.loadSource = function (base, meta, parsed) {
    var names = new Set();
    function add(kind, term, available) {
      var name = shardOf(term, meta);
      if (available.indexOf(name) >= 0) names.add(kind + "-" + name);
    }
    var phrases = parsed.phrases.concat(Array.from(parsed.subwords.values()));
    parsed.terms.concat([].concat.apply([], phrases), parsed.prefixes)
      .forEach(function (t) { add("t", t, meta.shards); });
    phrases.forEach(function (p) {
      for (var i = 0; i + 1 < p.length; i++) add("p", p[i], meta.pairShards);
    });
    var self = this;
    var list = Array.from(names);
    return Promise.all(list.map(function (n) { return self.json(base + n + ".json"); })).then(function (loaded) {
      var shards = {};
      list.forEach(function (n, i) { shards[n] = loaded[i] || {}; });
      return new Source(shards, meta);
    });
  };

  Engine.prototype.searchLang = function (query, lang, limit) {
    var self = this;
    var base = "_search/" + lang + "/";
    return this.json(base + "meta.json").then(function (meta) {
      if (!meta || meta.version !== FORMAT) return { total: 0, hits: [] };
      var vocab = HAS_CJK.test(query) ? self.json(base + "vocab.json") : Promise.resolve([]);
      return vocab.then(function (vocabList) {
        var parsed = parse(query, new Profile(meta, vocabList || []));
        if (parsed.empty) return { total: 0, hits: [] };
        return self.loadSource(base, meta, parsed).then(function (source) {
          var found = answer(parsed, source, limit);
          var marks = highlighter(found.terms, parsed.marks);
          return self.hits(base, meta, lang, found, marks);
        });
      });
    });
  };

  Engine.prototype.hits = function (base, meta, lang, found, marks) {
    var self = this;
    var chunks = unique(found.top.map(function (hit) { return Math.floor(hit[0] / meta.chunk); }));
    return Promise.all(chunks.map(function (n) { return self.json(base + "d-" + n + ".json"); })).then(function (loaded) {
      var byChunk = {};
      chunks.forEach(function (n, i) { byChunk[n] = loaded[i] || []; });
      return {
        total: found.total,
        partial: found.partial,
        hits: found.top.map(function (hit) {
          var d = byChunk[Math.floor(hit[0] / meta.chunk)][hit[0] % meta.chunk] || ["", "", "", ""];
          var cut = length(d[3]) >= (meta.excerpt || EXCERPT_CHARS);
          return { url: d[0], title: d[1], section: d[2], snippet: snippet(d[3], marks, cut), lang: lang, rank: hit[1] };
        })
      };
    });
  };

  function compareCodePoints(a, b) {  // Python's string order
    var x = Array.from(a), y = Array.from(b);
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }

  function hitOrder(a, b) {  // query.hit_order
    return (b.rank - a.rank) || compareCodePoints(a.url, b.url) || compareCodePoints(a.section, b.section);
  }

  Engine.prototype.search = function (raw, scope, limit) {
    var query = cleanQuery(raw);
    limit = Math.floor(Number(limit === undefined ? 8 : limit));
    limit = Math.max(1, Math.min(isFinite(limit) ? limit : 8, MAX_LIMIT));
    var langs = scope === "all" ? this.languages.slice().sort() : [scope];
    if (!query) return Promise.resolve({ query: query, total: 0, results: [], suggestion: null });
    return Promise.all(langs.map(function (l) { return this.searchLang(query, l, limit); }, this)).then(function (parts) {
      var hits = [];
      var total = 0;
      var partial = 0;
      parts.forEach(function (p) {
        hits = hits.concat(p.hits);
        total += p.total;
        partial = Math.max(partial, p.partial || 0);
      });
      hits.sort(hitOrder);
      return {
        query: query,
        total: total,
        partial: partial,  // 1 when, in some language, no document matches every clause
        results: hits.slice(0, limit).map(function (h) {
          return { url: h.url, title: h.title, section: h.section, snippet: h.snippet, lang: h.lang };
        }),
        suggestion: null
      };
    });
  };

  // --- snippets (snippets.py) -----------------------------------------------------------------

  var SNIPPET_CHARS = 180, LEAD = 60, BACK_TO_SPACE = 15, BACK_TO_BOUNDARY = 40;
  var LATIN_WORD_CHAR = new RegExp("^(?:(?![" + CJK + "])[\\p{L}\\p{N}_])$", "u");

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function highlighter(terms, words) {  // snippets.highlighter
    var probes = unique(words.map(function (w) { return w.toLowerCase().replace(/^@+/, ""); }).concat(terms))
      .filter(Boolean);
    var byLength = function (a, b) { return length(b) - length(a); };
    var latin = probes.filter(function (p) { return !CJK_RUN.test(p); }).sort(byLength);
    var cjk = probes.filter(function (p) { return CJK_RUN.test(p); }).sort(byLength);
    var parts = latin.map(function (p) { return "(?<![\\p{L}\\p{N}_])" + escapeRegExp(p) + "[\\p{L}\\p{N}_]*"; })
      .concat(cjk.map(escapeRegExp));
    return parts.length ? parts.join("|") : null;
  }

  function wordBoundary(text, start, end) {  // snippets._word_boundary
    for (var cut = end; cut >= Math.max(start + 1, end - BACK_TO_BOUNDARY); cut--) {
      if (!(LATIN_WORD_CHAR.test(text.charAt(cut - 1)) && LATIN_WORD_CHAR.test(text.charAt(cut)))) {
        while (cut > start + 1 && /\s/.test(text.charAt(cut - 1))) cut--;
        return cut;
      }
    }
    return end;
  }

  function escapeHtml(text) {  // Python's html.escape
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" }[c];
    });
  }

  // snippets.make_snippet; `cut`: the text is the start of a longer one (a static excerpt)
  function snippet(text, pattern, cut) {
    if (!text) return "";
    var first = pattern ? text.search(new RegExp(pattern, "iu")) : -1;
    var start = first > 0 ? Math.max(0, first - LEAD) : 0;
    if (start) {
      var space = text.lastIndexOf(" ", start - 1);
      start = space >= Math.max(0, start - BACK_TO_SPACE) ? space + 1 : start;
    }
    var end = Math.min(text.length, start + SNIPPET_CHARS);
    var more = end < text.length || cut;
    if (more) end = wordBoundary(text, start, end);
    var out = start ? "…" : "";
    var cursor = start;
    if (pattern) {
      var marks = new RegExp(pattern, "giu");
      var within = text.slice(0, end);
      marks.lastIndex = start;
      for (var m = marks.exec(within); m; m = marks.exec(within)) {
        if (!m[0].length) { marks.lastIndex++; continue; }
        out += escapeHtml(text.slice(cursor, m.index)) + "<mark>" + escapeHtml(m[0]) + "</mark>";
        cursor = m.index + m[0].length;
      }
    }
    out += escapeHtml(text.slice(cursor, end)) + (more ? "…" : "");
    return out.replace(/\n/g, " ");
  }

  // for tests and debugging
  Engine.analysis = {
    clean: cleanQuery, stem: stemEnglish, distance: editDistance,
    snippet: function (text, terms, words) { return snippet(text, highlighter(terms, words), false); }
  };
  window.DocsiteStaticSearch = Engine;
})();
