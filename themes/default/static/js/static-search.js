// Search in a frozen site, with no server: reads the _search/<lang>/ index that
// docsite.staticsearch writes, analyses the query the way the server does, and answers in the
// shape of /api/search. Loaded by search.js only on sites built with `build.py build`.
(function () {
  "use strict";
  var CJK = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u3040-\\u30ff";
  var WORD = new RegExp(
    "[" + CJK + "]+|@?(?:(?![" + CJK + "])[\\p{L}\\p{N}])[\\p{L}\\p{N}_]*" +
    "(?:[.:](?:(?![" + CJK + "])[\\p{L}\\p{N}])[\\p{L}\\p{N}_]*)*|_[\\p{L}\\p{N}_]+", "gu");
  var CJK_RUN = new RegExp("^[" + CJK + "]+$", "u");
  var MAX_QUERY = 200;

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

  function shardOf(term, meta) {
    var first = term.charAt(0);
    if (/^[a-z0-9]$/i.test(first)) return first.toLowerCase();
    return "x" + (term.codePointAt(0) % meta.cjkShards);
  }

  function segment(run, vocab, maxWord) {
    // forward maximum matching over the words the index knows (what jieba found there)
    var out = [];
    var i = 0;
    while (i < run.length) {
      var found = null;
      for (var len = Math.min(maxWord, run.length - i); len >= 1; len--) {
        var piece = run.substr(i, len);
        if (vocab.has(piece)) { found = piece; break; }
      }
      if (found) { out.push(found); i += found.length; } else { out.push(run.charAt(i)); i += 1; }
    }
    return out;
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function snippet(text, marks) {
    var lower = text.toLowerCase();
    var ranges = [];
    marks.forEach(function (mark) {
      if (!mark) return;
      var from = 0;
      var at;
      while ((at = lower.indexOf(mark, from)) >= 0) {
        var end = at + mark.length;
        if (!CJK_RUN.test(mark)) {  // whole words (and their inflections) only
          if (at > 0 && /[\p{L}\p{N}_]/u.test(lower.charAt(at - 1))) { from = end; continue; }
          while (end < lower.length && /[\p{L}\p{N}]/u.test(lower.charAt(end))) end++;
        }
        ranges.push([at, end]);
        from = end;
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var first = ranges.length ? ranges[0][0] : 0;
    var start = Math.max(0, first - 60);
    var stop = Math.min(text.length, start + 180);
    var out = start ? "…" : "";
    var cursor = start;
    ranges.forEach(function (r) {
      if (r[0] < cursor || r[1] > stop) return;
      out += escapeHtml(text.slice(cursor, r[0])) + "<mark>" + escapeHtml(text.slice(r[0], r[1])) + "</mark>";
      cursor = r[1];
    });
    return out + escapeHtml(text.slice(cursor, stop)) + (stop < text.length ? "…" : "");
  }

  Engine.prototype.postings = function (lang, meta, word) {
    // word: {text, prefix}; resolves to {doc: weight} or null when the index lacks it
    var self = this;
    var base = "_search/" + lang + "/";
    var shardName = shardOf(word.text, meta);
    if (meta.shards.indexOf(shardName) < 0) return Promise.resolve(null);
    return this.json(base + "t-" + shardName + ".json").then(function (shard) {
      if (!shard) return null;
      if (word.prefix) {
        var merged = null;
        Object.keys(shard).forEach(function (key) {
          if (key === "forms" || key.indexOf(word.text) !== 0) return;
          merged = merged || {};
          var list = shard[key];
          for (var i = 0; i < list.length; i += 2) merged[list[i]] = Math.max(merged[list[i]] || 0, list[i + 1]);
        });
        return merged;
      }
      var term = (shard.forms && shard.forms[word.text]) || word.text;
      var target = shardOf(term, meta);
      var next = target === shardName ? Promise.resolve(shard) : self.json(base + "t-" + target + ".json");
      return next.then(function (s) {
        var list = s && s[term];
        if (!list) return null;
        var map = {};
        for (var i = 0; i < list.length; i += 2) map[list[i]] = list[i + 1];
        return map;
      });
    });
  };

  Engine.prototype.searchLang = function (query, lang, limit) {
    var self = this;
    var base = "_search/" + lang + "/";
    return this.json(base + "meta.json").then(function (meta) {
      if (!meta) return { total: 0, hits: [] };
      var stop = new Set(meta.stopWords);
      var hasCjk = new RegExp("[" + CJK + "]", "u").test(query);
      return (hasCjk ? self.json(base + "vocab.json") : Promise.resolve([])).then(function (vocabList) {
        var vocab = new Set(vocabList || []);
        var words = [];
        var marks = [];
        query.replace(/"/g, " ").split(/\s+/).forEach(function (raw) {
          var prefix = /\*+$/.test(raw) && raw.replace(/\*+$/, "").length >= 2;
          var tokens = raw.replace(/\*+$/, "").match(WORD) || [];
          tokens.forEach(function (token) {
            var text = token.replace(/^@/, "").toLowerCase();
            if (CJK_RUN.test(text)) {
              segment(text, vocab, meta.maxWord || 4).forEach(function (piece) {
                if (!stop.has(piece)) { words.push({ text: piece, prefix: false }); marks.push(piece); }
              });
            } else if (!stop.has(text)) {
              words.push({ text: text, prefix: prefix });
              marks.push(text);
            }
          });
        });
        words = words.slice(0, 12);
        if (!words.length) return { total: 0, hits: [] };
        return Promise.all(words.map(function (w) { return self.postings(lang, meta, w); })).then(function (lists) {
          var scores = {};
          var counts = {};
          lists.forEach(function (map) {
            if (!map) return;
            Object.keys(map).forEach(function (doc) {
              scores[doc] = (scores[doc] || 0) + map[doc];
              counts[doc] = (counts[doc] || 0) + 1;
            });
          });
          var all = Object.keys(scores);
          var every = all.filter(function (doc) { return counts[doc] === words.length; });
          var chosen = every.length ? every : all;  // all words, else any word
          chosen.sort(function (a, b) { return (counts[b] - counts[a]) || (scores[b] - scores[a]) || (a - b); });
          var top = chosen.slice(0, limit);
          var chunks = {};
          top.forEach(function (doc) { chunks[Math.floor(doc / meta.chunk)] = true; });
          return Promise.all(Object.keys(chunks).map(function (n) {
            return self.json(base + "d-" + n + ".json").then(function (docs) { return [n, docs]; });
          })).then(function (loaded) {
            var byChunk = {};
            loaded.forEach(function (pair) { byChunk[pair[0]] = pair[1]; });
            return {
              total: chosen.length,
              hits: top.map(function (doc) {
                var d = byChunk[Math.floor(doc / meta.chunk)][doc % meta.chunk];
                return {
                  url: d[0], title: d[1], section: d[2], snippet: snippet(d[3], marks),
                  lang: lang, score: scores[doc] * (every.length ? 1 : counts[doc])
                };
              })
            };
          });
        });
      });
    });
  };

  Engine.prototype.search = function (raw, scope, limit) {
    var query = String(raw || "").replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").trim().slice(0, MAX_QUERY);
    limit = Math.max(1, Math.min(limit || 8, 50));
    var langs = scope === "all" ? this.languages : [scope];
    return Promise.all(langs.map(function (l) { return this.searchLang(query, l, limit); }, this)).then(function (parts) {
      var hits = [];
      var total = 0;
      parts.forEach(function (p) { hits = hits.concat(p.hits); total += p.total; });
      hits.sort(function (a, b) { return b.score - a.score; });
      return {
        query: query,
        total: total,
        results: hits.slice(0, limit).map(function (h) {
          return { url: h.url, title: h.title, section: h.section, snippet: h.snippet, lang: h.lang };
        }),
        suggestion: null
      };
    });
  };

  window.DocsiteStaticSearch = Engine;
})();
