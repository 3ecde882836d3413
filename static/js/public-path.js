// Tells the Bootstrap Italia bundle where its fonts are (set before the bundle loads).
window.__PUBLIC_PATH__ = document.currentScript.dataset.fonts;
// The bundle includes video.js, which on load adds <style> elements of its own to the page; the
// Content-Security-Policy forbids them (style-src 'self'), and the portal has no video.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
