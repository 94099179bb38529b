// Phone upload page: sends the chosen photo or bundle as the raw body of one delivery.
"use strict";
(function () {
  const form = document.getElementById("upload-form");
  const answer = document.getElementById("answer");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const file = document.getElementById("file").files[0];
    if (!file) { return; }
    answer.textContent = "Mengirim... / Sending...";
    try {
      const res = await fetch("/api/v1/deliveries", {
        method: "POST", body: file,
        headers: {"Content-Type": "application/octet-stream",
                  "X-Filename": encodeURIComponent(file.name).slice(0, 200)},
      });
      const body = await res.json();
      answer.className = body.outcome === "rejected" ? "error" : "ok";
      answer.textContent = body.outcome + (body.station ? " " + body.station : "") +
        ": " + body.reason;
    } catch (err) {
      answer.className = "error";
      answer.textContent = "Tidak terkirim; coba lagi / Not sent; try again";
    }
  });
})();
