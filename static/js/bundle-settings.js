// Settings read by the Bootstrap Italia bundle, set before it loads. The bundle includes video.js,
// which on load adds <style> elements of its own to the page; the Content-Security-Policy forbids
// them (style-src 'self'), and the portal has no video. (The fonts are declared in css/fonts.css.)
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
