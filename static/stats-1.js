// Draws the statistics time series with uPlot from the JSON island; the table below it
// carries the same numbers for readers without JavaScript.
(function () {
  var island = document.getElementById("chart-data");
  var target = document.getElementById("chart");
  if (!island || !target || typeof uPlot === "undefined") return;
  var data = JSON.parse(island.textContent);
  var xs = data.labels.map(function (_, i) { return i; });
  var opts = {
    width: Math.max(280, target.clientWidth || 600),
    height: 240,
    scales: { x: { time: false } },
    axes: [
      { values: function (u, ticks) { return ticks.map(function (t) { return data.labels[t] || ""; }); } },
      {}
    ],
    series: [
      {},
      { label: "PV", stroke: "#1a5fb4", width: 2 },
      { label: "UV", stroke: "#26a269", width: 2 },
      { label: "机器人", stroke: "#c01c28", width: 1, dash: [4, 4] }
    ]
  };
  var uv = data.uv.map(function (v) { return v === null ? null : v; });
  new uPlot(opts, [xs, data.pv, uv, data.bots], target);
})();
