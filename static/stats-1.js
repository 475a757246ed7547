// Draws the statistics time series with uPlot from the JSON island; the table below it
// carries the same numbers for readers without JavaScript.
(function () {
  var island = document.getElementById("chart-data");
  var target = document.getElementById("chart");
  if (!island || !target || typeof uPlot === "undefined") return;
  var data = JSON.parse(island.textContent);
  var names = data.names || {};
  var xs = data.labels.map(function (_, i) { return i; });
  var sameDay = data.labels.every(function (l) { return l.slice(0, 10) === data.labels[0].slice(0, 10); });
  function short(label) {
    if (!label) return "";
    if (label.length === 16) return sameDay ? label.slice(11) : label.slice(5);  // hours
    if (label.length === 10) return label.slice(5);  // days: MM-DD
    return label;  // months: YYYY-MM
  }
  function compact(v) {
    if (v >= 1e6) return +(v / 1e6).toFixed(1) + "M";
    if (v >= 1e3) return +(v / 1e3).toFixed(1) + "k";
    return String(v);
  }
  function width() { return Math.max(260, target.clientWidth || 600); }
  var opts = {
    width: width(),
    height: 240,
    scales: { x: { time: false } },
    axes: [
      { space: 64, incrs: [1, 2, 3, 6, 7, 12, 14, 24, 30, 31, 60, 90, 120, 180, 365],
        values: function (u, ticks) { return ticks.map(function (t) { return short(data.labels[t]); }); } },
      { size: 48, values: function (u, ticks) { return ticks.map(compact); } }
    ],
    series: [
      { label: names.time || "", value: function (u, v) { return v == null ? "–" : data.labels[v] || ""; } },
      { label: "PV", stroke: "#1a5fb4", width: 2 },
      { label: "UV", stroke: "#26a269", width: 2 },
      { label: names.bots || "", stroke: "#c01c28", width: 1, dash: [4, 4] }
    ]
  };
  var chart = new uPlot(opts, [xs, data.pv, data.uv, data.bots], target);
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { chart.setSize({ width: width(), height: 240 }); }, 150);
  });
})();
