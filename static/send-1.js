// Scripts of the 发送 (sending) pages, linked by templates/studio/_send_assets.html. Each part
// looks for its own elements and does nothing on pages without them; without JavaScript the
// pages still work (every form field visible, the hourly numbers in the table).

// New batch form: shows only the fields that apply to the chosen content (5G message, SMS or
// video SMS template); without JavaScript every field stays visible and the server ignores
// the rest.
(function () {
  var select = document.getElementById("f-source");
  if (!select) return;
  function sync() {
    var kind = (select.value || "m").charAt(0);
    document.querySelectorAll(".send-form [data-for]").forEach(function (el) {
      el.hidden = el.getAttribute("data-for").split(" ").indexOf(kind) < 0;
    });
  }
  select.addEventListener("change", sync);
  sync();
  // more entry fields on demand, up to 100 (100 numbers each)
  var add = document.getElementById("add-typed");
  var box = document.getElementById("typed-fields");
  if (!add || !box) return;
  add.hidden = false;
  add.addEventListener("click", function () {
    var fields = box.querySelectorAll("textarea");
    if (fields.length >= 100) { add.hidden = true; return; }
    var copy = fields[0].cloneNode(false);
    copy.value = "";
    copy.setAttribute("aria-label", fields[0].getAttribute("aria-label").replace(/\d+$/, "") + (fields.length + 1));
    box.appendChild(copy);
    copy.focus();
    if (fields.length + 1 >= 100) add.hidden = true;
  });
})();

// Batch page: sends and opens by hour, a uPlot chart drawn from the JSON island
// (#send-chart-data), as the statistics pages draw theirs (static/stats-1.js).
(function () {
  var island = document.getElementById("send-chart-data");
  var target = document.getElementById("send-chart");
  if (!island || !target || typeof uPlot === "undefined") return;
  var data = JSON.parse(island.textContent);
  var xs = data.labels.map(function (_, i) { return i; });
  function size() { return Math.max(260, target.clientWidth || 600); }
  var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.6, 40] }) : null;
  var plot = new uPlot({
    width: size(),
    height: 220,
    scales: {
      x: { time: false, range: function () { return [-0.6, Math.max(1, xs.length) - 0.4]; } },
      y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.15]; } }
    },
    axes: [
      {
        splits: function () {
          var every = Math.max(1, Math.ceil(xs.length / (target.clientWidth < 500 ? 3 : 7)));
          return xs.filter(function (i) { return i % every === 0; });
        },
        values: function (u, ticks) { return ticks.map(function (t) { return data.labels[t] || ""; }); }
      },
      {
        size: function (u, values) {
          var longest = (values || []).reduce(function (n, v) { return Math.max(n, String(v).length); }, 1);
          return 14 + longest * 8;
        }
      }
    ],
    series: [
      { label: data.timeLabel, value: function (u, v) { return v == null ? "--" : (data.labels[v] || ""); } },
      { label: data.sentLabel, stroke: "#1a5fb4", fill: "rgba(26,95,180,.25)", width: 1, paths: bars, points: { show: false } },
      { label: data.opensLabel, stroke: "#26a269", width: 2, points: { show: true } }
    ]
  }, [xs, data.sent, data.opens], target);
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { plot.setSize({ width: size(), height: 220 }); }, 150);
  });
})();
