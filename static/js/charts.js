// The committee's dashboard charts (Chart.js, served from static/). Data comes from a JSON script
// element, so the Content-Security-Policy needs no inline script.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const red = "#b02a37";
  const green = "#14532d";
  const consent = document.getElementById("consent-chart");
  if (consent) {
    new Chart(consent, {
      type: "bar",
      data: {
        labels: data.teams,
        datasets: [
          { label: "No answer yet", data: data.unanswered, backgroundColor: red },
          { label: "Answered", data: data.answered, backgroundColor: green },
        ],
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }
  const concerns = document.getElementById("concerns-chart");
  if (concerns) {
    new Chart(concerns, {
      type: "bar",
      data: {
        labels: data.concern_bands,
        datasets: [{ label: "Open concerns", data: data.concern_counts, backgroundColor: ["#6c8f7a", "#fd7e14", red] }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } },
      },
    });
  }
});
