// Decodes QR code images with jsQR, an independent decoder, for tst_qrcode.
//
//   RT_JS_NODE_MODULES=<build>/js-deps/node_modules node qrdecode.mjs <file.rgba>...
//
// Each file: width and height as little-endian uint32, then width * height
// RGBA pixels (jsQR takes raw RGBA, so no PNG decoder is needed). Prints one
// JSON object per file on its own line: {"file", "ok", "hex" (the decoded
// bytes), "version"} or {"file", "ok": false, "error"}. Exits 2 when jsQR
// cannot be loaded, 0 otherwise (the test compares the bytes).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const modules = process.env.RT_JS_NODE_MODULES;
if (!modules) {
    console.error('RT_JS_NODE_MODULES is not set: point it at <build>/js-deps/node_modules');
    process.exit(2);
}
let jsQR;
try {
    // jsQR is CommonJS; resolve it from the build dir's node_modules, not from this script's folder.
    jsQR = createRequire(path.join(modules, 'noop.js'))('jsqr');
    jsQR = jsQR.default ?? jsQR;
} catch (error) {
    console.error(`jsqr not found in ${modules} (run the js_deps test, which installs it): ${error.message}`);
    process.exit(2);
}

for (const file of process.argv.slice(2)) {
    try {
        const bytes = readFileSync(file);
        const width = bytes.readUInt32LE(0);
        const height = bytes.readUInt32LE(4);
        if (bytes.length !== 8 + width * height * 4)
            throw new Error(`size ${bytes.length} does not match ${width}x${height}`);
        const pixels = new Uint8ClampedArray(bytes.buffer, bytes.byteOffset + 8, width * height * 4);
        const code = jsQR(pixels, width, height, { inversionAttempts: 'dontInvert' });
        if (!code) {
            console.log(JSON.stringify({ file, ok: false, error: 'no QR code found' }));
            continue;
        }
        const hex = Buffer.from(code.binaryData).toString('hex');
        console.log(JSON.stringify({ file, ok: true, hex, version: code.version ?? 0 }));
    } catch (error) {
        console.log(JSON.stringify({ file, ok: false, error: String(error.message ?? error) }));
    }
}
