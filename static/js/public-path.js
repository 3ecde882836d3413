// Tells the Bootstrap Italia bundle where its fonts are (set before the bundle loads).
window.__PUBLIC_PATH__ = document.currentScript.dataset.fonts;
