// Little script, all optional: the pages work without it.
"use strict";

// Copy buttons: <button data-copy="element-id">
document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
        await navigator.clipboard.writeText(source.textContent.trim());
        button.textContent = "Copied";
    } catch {
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = "Selected: press Ctrl+C";
    }
});

// Live regions that refresh themselves: <div data-refresh="url" data-every="5000">
for (const region of document.querySelectorAll("[data-refresh]")) {
    const every = Number(region.dataset.every || 5000);
    setInterval(async () => {
        try {
            const response = await fetch(region.dataset.refresh, { credentials: "same-origin" });
            if (response.ok) region.innerHTML = await response.text();
        } catch {
            // keep the last view
        }
    }, every);
}
