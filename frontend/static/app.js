// Loads the WebAssembly SPA. Kept in a file (not inline) so the
// Content-Security-Policy can forbid inline scripts.
import init from '/habilis_frontend.js';

init({ module_or_path: '/habilis_frontend_bg.wasm' });
