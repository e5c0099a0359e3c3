/* svc-tables: sort, filter, page and download (CSV) every pandas table of a report page, offline.
   Inlined by templates/offline/index.html.j2 (allowed by its hash in the page's
   Content-Security-Policy); no library, nothing fetched. Rules (docs/guide_zh.md 第四节):
   - a column whose filled cells are all numbers ("1,234", "12.3%", "1.2万", "-5") sorts as
     numbers; empty cells and 无数据 go last in both directions; other columns sort as Chinese text;
   - the filter matches every word typed (spaces between words) in all columns or in one column;
   - more than PAGE rows: shown a page at a time (printing shows every row that passes the filter);
   - 下载 CSV: the rows that pass the filter, in the order shown, UTF-8 with BOM for Excel; a cell
     starting with = + - @ tab or CR that is not a plain number gets a leading ' (as safety.py). */
(function () {
  "use strict";
  var PAGE = 25;
  var SIZES = [25, 50, 100, 0]; // 0: every row
  var NO_DATA = "无数据";
  var TRIGGERS = ["=", "+", "-", "@", "\t", "\r"];
  var PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?$/;
  var NUMBER = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(%|万)?$/;
  var collator = new Intl.Collator("zh-CN", {numeric: true, sensitivity: "base"});

  function text(cell) { return (cell.textContent || "").replace(/\s+/g, " ").trim(); }

  // The number a cell shows, or null: thousands separators and spaces ignored, 1.2万 = 12000.
  function toNumber(value) {
    var m = NUMBER.exec(value.replace(/[,\s\u00a0]/g, "").replace(/^\u2212/, "-"));
    if (!m) { return null; }
    var n = parseFloat(m[1]);
    return m[2] === "万" ? n * 10000 : n;
  }
  function isEmpty(value) { return value === "" || value === NO_DATA || value === "-" || value === "—"; }

  function csvCell(value) {
    if (TRIGGERS.some(function (t) { return value.indexOf(t) === 0; }) && !PLAIN_NUMBER.test(value.trim())) {
      value = "'" + value;
    }
    return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  function el(tag, attrs, label) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (label !== undefined) { node.textContent = label; }
    return node;
  }

  function Enhanced(table, number) {
    var self = this;
    this.table = table;
    this.number = number;
    var heads = table.tHead ? Array.prototype.slice.call(table.tHead.rows) : [];
    // header rows with one cell per column (the most cells): sorting is on the first; a column's name
    // joins their labels (pandas puts the index's name in a second row below the column names)
    var widest = heads.reduce(function (w, row) { return Math.max(w, row.cells.length); }, 0);
    var full = heads.filter(function (row) { return row.cells.length === widest; });
    this.headRow = full[0] || null;
    this.body = table.tBodies[0];
    this.rows = Array.prototype.slice.call(this.body.rows);
    this.width = this.rows.reduce(function (w, r) { return Math.max(w, r.cells.length); }, 0);
    this.names = [];
    for (var i = 0; i < this.width; i++) {
      this.names.push(full.map(function (row) { return row.cells[i] ? text(row.cells[i]) : ""; })
        .filter(Boolean).join(" "));
    }
    this.numeric = this.names.map(function (_, col) { return self.isNumeric(col); });
    this.order = this.rows.slice();
    this.size = this.rows.length > PAGE ? PAGE : 0;
    this.page = 0;
    this.sortCol = -1;
    this.sortDir = 0;
    table.classList.add("svc-table");
    this.addSorting();
    this.addToolbar();
    this.update();
  }

  Enhanced.prototype.value = function (row, col) {
    var cell = row.cells[col];
    return cell ? text(cell) : "";
  };

  Enhanced.prototype.isNumeric = function (col) {
    var seen = 0;
    for (var r = 0; r < this.rows.length; r++) {
      var v = this.value(this.rows[r], col);
      if (isEmpty(v)) { continue; }
      if (toNumber(v) === null) { return false; }
      seen++;
    }
    return seen > 0;
  };

  Enhanced.prototype.addSorting = function () {
    var self = this;
    if (!this.headRow) { return; }
    Array.prototype.forEach.call(this.headRow.cells, function (th, col) {
      if (col >= self.width) { return; }
      th.classList.add("svc-sortable");
      th.setAttribute("tabindex", "0");
      th.setAttribute("role", "button");
      th.setAttribute("title", "点击排序" + (self.numeric[col] ? "（按数值）" : ""));
      var go = function () { self.sortBy(col); };
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); }
      });
    });
  };

  // First click ascending, second descending, third back to the page's own order.
  Enhanced.prototype.sortBy = function (col) {
    this.sortDir = this.sortCol === col ? (this.sortDir + 1) % 3 : 1;
    this.sortCol = this.sortDir ? col : -1;
    var self = this, dir = this.sortDir === 2 ? -1 : 1, numeric = this.numeric[col];
    var keyed = this.rows.map(function (row, index) {
      var v = self.value(row, col);
      return {row: row, index: index, empty: isEmpty(v), key: numeric ? toNumber(v) : v};
    });
    if (this.sortDir) {
      keyed.sort(function (a, b) {
        if (a.empty !== b.empty) { return a.empty ? 1 : -1; } // 无数据 and blanks last, both ways
        if (a.empty) { return a.index - b.index; }
        var c = numeric ? a.key - b.key : collator.compare(a.key, b.key);
        return c ? dir * c : a.index - b.index;
      });
    }
    this.order = keyed.map(function (k) { return k.row; });
    var body = this.body;
    this.order.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(this.headRow.cells, function (th, i) {
      th.setAttribute("aria-sort", i === self.sortCol ? (self.sortDir === 1 ? "ascending" : "descending") : "none");
    });
    this.page = 0;
    this.update();
  };

  Enhanced.prototype.addToolbar = function () {
    var self = this;
    var bar = el("div", {"class": "svc-tools"});
    var column = el("select", {"aria-label": "筛选的列"});
    column.appendChild(el("option", {value: "-1"}, "全部列"));
    this.names.forEach(function (name, i) {
      if (name) { column.appendChild(el("option", {value: String(i)}, name)); }
    });
    var input = el("input", {type: "search", placeholder: "筛选：输入文字", "aria-label": "筛选"});
    this.input = input;
    this.column = column;
    var filter = function () { self.page = 0; self.update(); };
    input.addEventListener("input", filter);
    column.addEventListener("change", filter);
    var csv = el("button", {type: "button", "class": "svc-csv"}, "下载 CSV");
    csv.addEventListener("click", function () { self.download(); });
    this.info = el("span", {"class": "svc-info", "aria-live": "polite"});
    bar.appendChild(el("label", {}, "筛选 "));
    bar.appendChild(column);
    bar.appendChild(input);
    bar.appendChild(csv);
    bar.appendChild(this.info);
    if (this.rows.length > PAGE) {
      var pager = el("span", {"class": "svc-pager"});
      var size = el("select", {"aria-label": "每页行数"});
      SIZES.forEach(function (n) {
        size.appendChild(el("option", {value: String(n)}, n ? "每页 " + n + " 行" : "全部行"));
      });
      size.addEventListener("change", function () { self.size = parseInt(size.value, 10); self.page = 0; self.update(); });
      this.prev = el("button", {type: "button"}, "上一页");
      this.next = el("button", {type: "button"}, "下一页");
      this.prev.addEventListener("click", function () { self.page--; self.update(); });
      this.next.addEventListener("click", function () { self.page++; self.update(); });
      pager.appendChild(size);
      pager.appendChild(this.prev);
      pager.appendChild(this.next);
      bar.appendChild(pager);
    }
    this.table.parentNode.insertBefore(bar, this.table);
  };

  Enhanced.prototype.matches = function (row) {
    var words = this.input.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) { return true; }
    var col = parseInt(this.column.value, 10);
    var hay = (col >= 0 ? this.value(row, col) : text(row)).toLowerCase();
    return words.every(function (w) { return hay.indexOf(w) !== -1; });
  };

  Enhanced.prototype.shown = function () {
    var self = this;
    return this.order.filter(function (row) { return self.matches(row); });
  };

  Enhanced.prototype.update = function () {
    var shown = this.shown(), total = this.rows.length;
    var pages = this.size ? Math.max(1, Math.ceil(shown.length / this.size)) : 1;
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    var from = this.size ? this.page * this.size : 0;
    var to = this.size ? Math.min(from + this.size, shown.length) : shown.length;
    var position = new Map(shown.map(function (row, i) { return [row, i]; }));
    this.order.forEach(function (row) {
      var i = position.has(row) ? position.get(row) : -1;
      row.classList.toggle("svc-filtered-out", i < 0);
      row.classList.toggle("svc-off-page", i >= 0 && (i < from || i >= to));
    });
    var info = shown.length === 0 ? "无匹配的行" :
      (to - from === shown.length ? "共 " + shown.length + " 行" :
        "第 " + (from + 1) + "–" + to + " 行，共 " + shown.length + " 行");
    if (shown.length !== total) { info += "（筛选自 " + total + " 行）"; }
    this.info.textContent = info;
    if (this.prev) {
      this.prev.disabled = this.page === 0;
      this.next.disabled = this.page >= pages - 1;
    }
    this.table.setAttribute("data-shown", String(shown.length));
  };

  Enhanced.prototype.csv = function () {
    var self = this;
    var lines = [this.names.map(csvCell).join(",")];
    this.shown().forEach(function (row) {
      var cells = [];
      for (var i = 0; i < self.width; i++) { cells.push(csvCell(self.value(row, i))); }
      lines.push(cells.join(","));
    });
    return lines.join("\r\n") + "\r\n";
  };

  Enhanced.prototype.download = function () {
    var blob = new Blob(["\ufeff" + this.csv()], {type: "text/csv;charset=utf-8"});
    var page = decodeURIComponent(location.pathname.split("/").pop() || "page").replace(/\.html?$/, "");
    var link = el("a", {href: URL.createObjectURL(blob), download: page + "_表" + this.number + ".csv"});
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  };

  function enhanceAll() {
    var tables = document.querySelectorAll("table.dataframe");
    var done = [];
    Array.prototype.forEach.call(tables, function (table) {
      var body = table.tBodies[0];
      // hierarchical row labels (rowspan) would come apart when rows move: left as printed
      if (!body || body.rows.length < 2 || body.querySelector("[rowspan]")) { return; }
      done.push(new Enhanced(table, done.length + 1));
    });
    window.svcTables = done; // for tests and for the console
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
