// Writes a small Y4M clip (a moving bar over a gradient) for Chromium's
// --use-file-for-fake-video-capture, so recordings are repeatable.
// Usage: node make_y4m.js OUT.y4m [frames]
'use strict';
const fs = require('fs');

function makeY4m(path, frames = 45, width = 320, height = 240, fps = 15) {
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const ySize = width * height;
  const cSize = (width / 2) * (height / 2);
  const parts = [header];
  for (let f = 0; f < frames; f++) {
    const frame = Buffer.alloc(6 + ySize + 2 * cSize);
    frame.write('FRAME\n', 0, 'ascii');
    const bar = Math.floor((f / frames) * width);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inBar = x >= bar && x < bar + 24;
        frame[6 + y * width + x] = inBar ? 235 : 16 + Math.floor((200 * (x + y)) / (width + height));
      }
    }
    frame.fill(90 + (f % 30), 6 + ySize, 6 + ySize + cSize);        // U
    frame.fill(160 - (f % 30), 6 + ySize + cSize, 6 + ySize + 2 * cSize);  // V
    parts.push(frame);
  }
  fs.writeFileSync(path, Buffer.concat(parts));
}

module.exports = { makeY4m };

if (require.main === module) {
  makeY4m(process.argv[2] || 'fake.y4m', Number(process.argv[3] || 45));
}
